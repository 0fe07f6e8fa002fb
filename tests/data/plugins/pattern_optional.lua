-- Test plugin: optional items that backtrack as 2^k
return {
  name = "evil_optional",
  version = "1",
  description = "optional items that backtrack as 2^k",
  dimensions = { "trust" },
  run = function(art)
    local s = string.rep("a", 40)
    local r = s:match("^" .. string.rep("a?", 40) .. string.rep("a", 40) .. "$")
  end,
}

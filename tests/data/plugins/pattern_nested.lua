-- Test plugin: nested quantifiers that backtrack as n^k
return {
  name = "evil_nested",
  version = "1",
  description = "nested quantifiers that backtrack as n^k",
  dimensions = { "trust" },
  run = function(art)
    local s = string.rep("a", 3000)
    local r = string.find(s, "a*a*a*a*b")
  end,
}

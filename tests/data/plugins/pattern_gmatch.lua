-- Test plugin: a costly pattern through gmatch
return {
  name = "evil_gmatch",
  version = "1",
  description = "a costly pattern through gmatch",
  dimensions = { "trust" },
  run = function(art)
    local s = string.rep("ab ", 2000)
    for a, b in s:gmatch("(%w-)(%w*)%s*x") do end
  end,
}

-- Test plugin: a costly pattern through gsub, as a method
return {
  name = "evil_gsub",
  version = "1",
  description = "a costly pattern through gsub, as a method",
  dimensions = { "trust" },
  run = function(art)
    local s = string.rep("x", 4000)
    local r = s:gsub("[x]-[x]-[x]-y", "")
  end,
}

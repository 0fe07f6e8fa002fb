-- Test plugin: asks for a gigabyte
return {
  name = "evil_rep",
  version = "1",
  description = "asks for a gigabyte",
  dimensions = { "trust" },
  run = function(art)
    local s = string.rep("x", 1024 * 1024 * 1024)
  end,
}

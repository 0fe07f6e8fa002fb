-- Test plugin: floods art.log
return {
  name = "evil_log",
  version = "1",
  description = "floods art.log",
  dimensions = { "trust" },
  run = function(art)
    local line = string.rep("x", 100000)
    while true do art.log(line) end
  end,
}

-- Test plugin: floods print
return {
  name = "evil_print",
  version = "1",
  description = "floods print",
  dimensions = { "trust" },
  run = function(art)
    while true do print(string.rep("flood ", 100)) end
  end,
}

-- Test plugin: loads bytecode
return {
  name = "evil_load",
  version = "1",
  description = "loads bytecode",
  dimensions = { "trust" },
  run = function(art)
    local f = load("\27Lua\84\0\25\147\13\10\26\10")
  end,
}

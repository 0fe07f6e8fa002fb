-- Test plugin: tampers with the string metatable
return {
  name = "evil_meta",
  version = "1",
  description = "tampers with the string metatable",
  dimensions = { "trust" },
  run = function(art)
    getmetatable("").__index = { upper = function() return "pwned" end }
  end,
}

-- Test plugin: tampers with the art table, then calls what it broke
return {
  name = "evil_api",
  version = "1",
  description = "tampers with the art table",
  dimensions = { "trust" },
  run = function(art)
    art.match = function() return {} end
    setmetatable(art, { __newindex = function() error("locked") end, __metatable = "mine" })
    art.emit = nil
    art.emit { dimension = "trust", facet = "espoused", score = 1, weight = 1 }
  end,
}

-- Test plugin: a finaliser that never ends
return {
  name = "evil_gc",
  version = "1",
  description = "a finaliser that never ends",
  dimensions = { "trust" },
  run = function(art)
    setmetatable({}, { __gc = function() while true do end end })
    art.emit { dimension = "trust", facet = "enacted", score = 50, weight = 1 }
  end,
}

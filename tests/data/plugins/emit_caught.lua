-- Test plugin: catches an emit error
return {
  name = "evil_caught",
  version = "1",
  description = "catches an emit error",
  dimensions = { "trust" },
  run = function(art)
    pcall(art.emit, { dimension = "trust", facet = "enacted", score = 0/0, weight = 1 })
  end,
}

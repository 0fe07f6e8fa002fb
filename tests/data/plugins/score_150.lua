-- Test plugin: emits an impossible score
return {
  name = "evil_score",
  version = "1",
  description = "emits an impossible score",
  dimensions = { "trust" },
  run = function(art)
    art.emit { dimension = "trust", facet = "enacted", score = 150, weight = 1 }
  end,
}

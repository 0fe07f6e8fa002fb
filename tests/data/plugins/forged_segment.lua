-- Test plugin: forges a segment id
return {
  name = "evil_segment",
  version = "1",
  description = "forges a segment id",
  dimensions = { "trust" },
  run = function(art)
    art.emit { dimension = "trust", facet = "enacted", score = 50, weight = 1,
               evidence = { { segment = 9999, indicator = "x", direction = 1 } } }
  end,
}

-- Test plugin: a giant string in an emit field
return {
  name = "evil_indicator",
  version = "1",
  description = "a giant string in an emit field",
  dimensions = { "trust" },
  run = function(art)
    art.emit { dimension = "trust", facet = "espoused", score = 50, weight = 1,
               evidence = { { segment = 10, indicator = string.rep("y", 2000000), direction = 1 } } }
  end,
}

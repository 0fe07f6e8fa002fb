-- Test plugin: a well-behaved plugin
return {
  name = "good",
  version = "1",
  description = "a well-behaved plugin",
  dimensions = { "trust" },
  run = function(art)
    print("printing goes nowhere")
    art.log("logged")
    art.emit { dimension = "trust", facet = "espoused", score = 75, weight = 2,
               evidence = { { segment = 10, indicator = "trust*", direction = 1 } } }
  end,
}

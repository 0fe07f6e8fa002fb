return {
  name = "broken",
  version = "0.0.1",
  description = "fails every time",
  dimensions = { "trust" },
  run = function(art)
    art.emit{ dimension = "trust", facet = "enacted", score = 0, weight = 100, evidence = {} }
    error("deliberate failure")
  end,
}

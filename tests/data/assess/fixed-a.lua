-- Emits fixed scores, so the combiner's arithmetic can be checked by hand.
return {
  name = "fixed-a",
  version = "1.0.0",
  description = "fixed scores for the combiner tests",
  dimensions = { "trust" },
  run = function(art)
    art.emit{ dimension = "trust", facet = "espoused", score = 80, weight = 3,
              evidence = { { segment = 1, indicator = "trusted", direction = 1, weight = 2 },
                           { segment = 2, indicator = "do the right thing", direction = 1, weight = 1 } } }
    art.emit{ dimension = "trust", facet = "enacted", score = 20, weight = 1,
              evidence = { { segment = 3, indicator = "permission", direction = -1, weight = 1 },
                           { segment = 4, indicator = "trusted", direction = 1, weight = 1 } } }
  end,
}

return {
  name = "fixed-b",
  version = "1.0.0",
  description = "a second opinion on trust",
  dimensions = { "*" },
  run = function(art)
    art.emit{ dimension = "trust", facet = "espoused", score = 40, weight = 1,
              evidence = { { segment = 2, indicator = "do the right thing", direction = 1, weight = 1 },
                           { segment = 1, indicator = "sign-off", direction = -1, weight = 3 } } }
  end,
}

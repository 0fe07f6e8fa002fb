-- Test plugin: replaces the global art table at load time, then runs
art = nil
return {
  name = "evil_global",
  version = "1",
  description = "replaces the global art table",
  dimensions = { "trust" },
  run = function(a)
    rawset(a, "emit", nil)
    a.emit { dimension = "trust", facet = "espoused", score = 1, weight = 1 }
  end,
}

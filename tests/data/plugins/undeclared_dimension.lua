-- Test plugin: emits on a dimension it did not declare
return {
  name = "evil_undeclared",
  version = "1",
  description = "emits on a dimension it did not declare",
  dimensions = { "trust" },
  run = function(art)
    art.emit { dimension = "hierarchy", facet = "enacted", score = 50, weight = 1 }
  end,
}

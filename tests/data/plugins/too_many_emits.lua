-- Test plugin: emits too often
return {
  name = "evil_emits",
  version = "1",
  description = "emits too often",
  dimensions = { "trust" },
  run = function(art)
    for i = 1, 11 do
      art.emit { dimension = "trust", facet = "enacted", score = 50, weight = 1 }
    end
  end,
}

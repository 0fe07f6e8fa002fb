-- Test plugin: emits too much evidence
return {
  name = "evil_evidence",
  version = "1",
  description = "emits too much evidence",
  dimensions = { "trust" },
  run = function(art)
    local ev = {}
    for i = 1, 21 do ev[i] = { segment = 10, indicator = "x", direction = 1 } end
    art.emit { dimension = "trust", facet = "enacted", score = 50, weight = 1, evidence = ev }
  end,
}

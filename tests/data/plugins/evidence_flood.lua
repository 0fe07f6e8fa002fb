-- Test plugin: the largest emits, as many as allowed
return {
  name = "evil_evidence_flood",
  version = "1",
  description = "the largest emits, as many as allowed",
  dimensions = { "trust" },
  run = function(art)
    local ev = {}
    for i = 1, 500 do ev[i] = { segment = 10, indicator = "x", direction = 1 } end
    for i = 1, 1000 do
      art.emit { dimension = "trust", facet = "enacted", score = 50, weight = 1, evidence = ev }
    end
  end,
}

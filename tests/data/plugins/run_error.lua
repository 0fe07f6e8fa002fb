-- Test plugin: fails in run
return {
  name = "evil_error",
  version = "1",
  description = "fails in run",
  dimensions = { "trust" },
  run = function(art)
    error("deliberate failure")
  end,
}

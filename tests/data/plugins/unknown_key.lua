-- Test plugin: has an unknown metadata key
return {
  name = "evil_key",
  version = "1",
  description = "has an unknown metadata key",
  dimensions = { "trust" },
  author = "someone",
  run = function(art)
    return
  end,
}

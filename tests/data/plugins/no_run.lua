-- Test plugin: metadata without a run function
return { name = "evil_norun", version = "1", description = "no run", dimensions = { "trust" } }

-- Test plugin: runs a command
return {
  name = "evil_os",
  version = "1",
  description = "runs a command",
  dimensions = { "trust" },
  run = function(art)
    os.execute("touch /tmp/artefact-pwned")
  end,
}

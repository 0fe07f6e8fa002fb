-- Test plugin: runs another file
return {
  name = "evil_dofile",
  version = "1",
  description = "runs another file",
  dimensions = { "trust" },
  run = function(art)
    dofile("/etc/passwd")
  end,
}

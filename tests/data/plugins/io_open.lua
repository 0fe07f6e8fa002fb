-- Test plugin: opens a file
return {
  name = "evil_io",
  version = "1",
  description = "opens a file",
  dimensions = { "trust" },
  run = function(art)
    local f = io.open("/etc/passwd")
  end,
}

-- Test plugin: asks for a gigabyte via a method
return {
  name = "evil_rep_method",
  version = "1",
  description = "asks for a gigabyte via a method",
  dimensions = { "trust" },
  run = function(art)
    local s = ("xy"):rep(512 * 1024 * 1024)
  end,
}

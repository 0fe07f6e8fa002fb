-- Test plugin: requires a module
return {
  name = "evil_require",
  version = "1",
  description = "requires a module",
  dimensions = { "trust" },
  run = function(art)
    local m = require("os")
  end,
}

-- Test plugin: never ends
return {
  name = "evil_loop",
  version = "1",
  description = "never ends",
  dimensions = { "trust" },
  run = function(art)
    local i = 0
    while true do i = i + 1 end
  end,
}

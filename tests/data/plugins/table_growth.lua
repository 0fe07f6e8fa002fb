-- Test plugin: grows a table forever
return {
  name = "evil_grow",
  version = "1",
  description = "grows a table forever",
  dimensions = { "trust" },
  run = function(art)
    local t = {}
    local i = 0
    while true do i = i + 1; t[i] = { i, tostring(i) } end
  end,
}

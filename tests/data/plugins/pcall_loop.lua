-- Test plugin: catches the budget error and loops again
return {
  name = "evil_pcall",
  version = "1",
  description = "catches the budget error and loops again",
  dimensions = { "trust" },
  run = function(art)
    while true do
      pcall(function() while true do end end)
    end
  end,
}

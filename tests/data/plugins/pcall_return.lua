-- Test plugin: catches the budget error and returns normally
return {
  name = "evil_swallow",
  version = "1",
  description = "catches the budget error and returns normally",
  dimensions = { "trust" },
  run = function(art)
    local ok = pcall(function() while true do end end)
    art.emit { dimension = "trust", facet = "espoused", score = 1, weight = 1 }
  end,
}

-- Test plugin: a pattern longer than the bound
return {
  name = "evil_longpat",
  version = "1",
  description = "a pattern longer than the bound",
  dimensions = { "trust" },
  run = function(art)
    local r = string.find("abc", string.rep("[a]", 2000))
  end,
}

-- Test plugin: recurses forever
return {
  name = "evil_recurse",
  version = "1",
  description = "recurses forever",
  dimensions = { "trust" },
  run = function(art)
    local function f(n) return f(n + 1) + 1 end
    f(1)
  end,
}

-- Test plugin: a backtracking pattern bomb
return {
  name = "evil_pattern",
  version = "1",
  description = "a backtracking pattern bomb",
  dimensions = { "trust" },
  run = function(art)
    local s = string.rep("a", 5000)
    local r = s:find(".-.-.-b")
  end,
}

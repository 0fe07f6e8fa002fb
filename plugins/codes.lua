-- codes.lua: scores each rubric dimension from the qualitative codes that
-- analysts attached to interview (or document) segments.
--
-- Each code is mapped through the dimension's <code> patterns with
-- art.code_direction: +1 counts toward the CLS value, -1 toward the low pole,
-- nil means the code says nothing about this dimension.  Tallies and the
-- score formula are the same as in lexical.lua:
--     score = 100 * (pos + 1) / (pos + neg + 2)

local FACET = { document = "espoused", interview = "enacted" }

local function run(art)
  local rubric = art.rubric()
  local limit = 500

  for _, dim in ipairs(rubric.dimensions) do
    local tallies = {}
    for seg in art.segments() do
      for _, code in ipairs(seg.codes) do
        local dir = art.code_direction(dim.id, code)
        if dir then
          local facet = FACET[seg.kind]
          local t = tallies[facet]
          if not t then
            t = { pos = 0, neg = 0, evidence = {} }
            tallies[facet] = t
          end
          if dir > 0 then t.pos = t.pos + 1 else t.neg = t.neg + 1 end
          if #t.evidence < limit then
            t.evidence[#t.evidence + 1] = {
              segment = seg.id, indicator = code, direction = dir, weight = 1,
            }
          end
        end
      end
    end

    for _, facet in ipairs({ "espoused", "enacted" }) do
      local t = tallies[facet]
      if t then
        art.emit {
          dimension = dim.id,
          facet = facet,
          score = 100 * (t.pos + 1) / (t.pos + t.neg + 2),
          weight = t.pos + t.neg,
          evidence = t.evidence,
        }
      end
    end
  end
end

return {
  name = "codes",
  version = "0.1.0",
  description = "Scores dimensions from the codes analysts attached to segments",
  dimensions = { "*" },
  run = run,
}

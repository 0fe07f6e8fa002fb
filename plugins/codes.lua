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

  -- One pass over the segments for every dimension at once (a pass per
  -- dimension built every segment's table eleven times over).
  -- tallies[dimension id][facet] = tally; evidence stays in segment order.
  local tallies = {}
  for _, dim in ipairs(rubric.dimensions) do tallies[dim.id] = {} end
  -- A code's direction on a dimension depends on the code and the dimension
  -- only, and interviews repeat a few dozen codes thousands of times: ask the
  -- host once per pair.  false records "says nothing about this dimension".
  local directions = {}
  local function direction(dim_id, code)
    local by_code = directions[dim_id]
    if not by_code then
      by_code = {}
      directions[dim_id] = by_code
    end
    local dir = by_code[code]
    if dir == nil then
      dir = art.code_direction(dim_id, code) or false
      by_code[code] = dir
    end
    return dir
  end

  -- Only coded segments: the host passes over the others without building
  -- their tables (most of a site's segments are uncoded documents).
  for seg in art.segments { coded = true } do
    local codes = seg.codes
    local facet = FACET[seg.kind]
    for _, dim in ipairs(rubric.dimensions) do
      for _, code in ipairs(codes) do
        local dir = direction(dim.id, code)
        if dir then
          local by_facet = tallies[dim.id]
          local t = by_facet[facet]
          if not t then
            t = { pos = 0, neg = 0, evidence = {} }
            by_facet[facet] = t
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
  end

  for _, dim in ipairs(rubric.dimensions) do
    for _, facet in ipairs({ "espoused", "enacted" }) do
      local t = tallies[dim.id][facet]
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
  version = "0.2.0",
  description = "Scores dimensions from the codes analysts attached to segments",
  dimensions = { "*" },
  run = run,
}

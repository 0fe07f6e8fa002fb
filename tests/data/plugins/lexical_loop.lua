-- lexical_loop.lua: lexical.lua 0.2.0, which counted in Lua with a loop over
-- art.segments() and art.match_all().  lexical.lua now counts with
-- art.tally; tests/test_tally.c checks that both give the same emits.
--
-- For each match: contribution = direction * (negated and -1 or 1) * weight,
-- halved when the match is hedged ("we aim to", "in theory", "sometimes").
-- Positive contributions add to `pos`, negative ones (as a magnitude) to
-- `neg`, separately for the espoused facet (documents) and the enacted facet
-- (interviews).  The score is Laplace-smoothed so one phrase is not a 100:
--     score = 100 * (pos + 1) / (pos + neg + 2)
-- Headings are skipped: they name a topic, the text under them is the evidence.

local FACET = { document = "espoused", interview = "enacted" }

-- A tally per facet: running sums and the evidence behind them.
local function new_tally()
  return { pos = 0, neg = 0, evidence = {}, total = {}, before = {}, current = {}, seg = {} }
end

-- Only the strongest `limit` pieces of evidence are reported, ordered by
-- weight (descending), then segment, then indicator.  Segments arrive in
-- ascending id order, so a match is certain to be cut when `limit` pieces
-- already kept precede it: heavier ones, or as heavy from an earlier
-- segment.  Such a match still counts in the score; it is just not kept,
-- so a large site's evidence no longer fills the plugin's memory.
-- t.total[w]: kept pieces of weight w; t.before[w]: those from segments
-- before t.seg[w]; t.current[w]: those from segment t.seg[w].
local function keep_evidence(t, w, segment, limit)
  if t.seg[w] ~= segment then
    t.before[w] = (t.before[w] or 0) + (t.current[w] or 0)
    t.current[w] = 0
    t.seg[w] = segment
  end
  local ahead = t.before[w]
  for weight, n in pairs(t.total) do
    if weight > w then ahead = ahead + n end
  end
  if ahead >= limit then return false end
  t.total[w] = (t.total[w] or 0) + 1
  t.current[w] = t.current[w] + 1
  return true
end

local function run(art)
  local rubric = art.rubric()
  local limit = 500          -- keep within the host's default evidence cap

  -- One pass over the text: art.match_all finds every dimension's phrases
  -- at once.  tallies[dimension id][facet] = tally.
  local tallies = {}
  for seg in art.segments() do
    local facet = FACET[seg.kind]
    -- A heading names a topic ("Co-production"); the paragraphs under it
    -- say what the site does about it, so headings are not evidence.
    if seg.block ~= "heading" then
      for _, m in ipairs(art.match_all(seg.text)) do
        local dir = m.direction * (m.negated and -1 or 1)
        local by_facet = tallies[m.dimension]
        if not by_facet then
          by_facet = {}
          tallies[m.dimension] = by_facet
        end
        local t = by_facet[facet]
        if not t then
          t = new_tally()
          by_facet[facet] = t
        end
        -- "We aim to", "in theory", "sometimes": a hedged statement is an
        -- aspiration or a partial truth, so it counts half.
        local w = m.hedged and m.weight / 2 or m.weight
        if dir > 0 then t.pos = t.pos + w else t.neg = t.neg + w end
        if keep_evidence(t, w, seg.id, limit) then
          t.evidence[#t.evidence + 1] = {
            segment = seg.id,
            indicator = m.phrase,
            direction = dir,
            level = m.level or seg.level,
            weight = w,
          }
        end
      end
    end
  end

  -- Emit in rubric order, then a fixed facet order, so runs are deterministic.
  for _, dim in ipairs(rubric.dimensions) do
    for _, facet in ipairs({ "espoused", "enacted" }) do
      local t = tallies[dim.id] and tallies[dim.id][facet]
      if t then
        -- Strongest evidence first; ties keep segment order (stable by id).
        table.sort(t.evidence, function(a, b)
          if a.weight ~= b.weight then return a.weight > b.weight end
          if a.segment ~= b.segment then return a.segment < b.segment end
          return a.indicator < b.indicator
        end)
        while #t.evidence > limit do t.evidence[#t.evidence] = nil end
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
  name = "lexical_loop",
  version = "0.2.0",
  description = "Scores dimensions from rubric indicator phrases in documents and interviews",
  dimensions = { "*" },
  run = run,
}

-- lexical.lua: scores each rubric dimension from the indicator phrases found
-- in the text of every segment.
--
-- For each match: contribution = direction * (negated and -1 or 1) * weight,
-- halved when the match is hedged ("we aim to", "in theory", "sometimes").
-- Positive contributions add to `pos`, negative ones (as a magnitude) to
-- `neg`, separately for the espoused facet (documents) and the enacted facet
-- (interviews).  The score is Laplace-smoothed so one phrase is not a 100:
--     score = 100 * (pos + 1) / (pos + neg + 2)
-- Headings are skipped: they name a topic, the text under them is the evidence.
--
-- The counting is art.tally's: one walk over the corpus in C, every
-- dimension's phrases at once, with the strongest matches kept as evidence
-- (weight, then segment order).  It counts what a loop over art.segments()
-- and art.match_all() would, several times faster;
-- tests/data/plugins/lexical_loop.lua is that loop, kept as the reference
-- the tests compare with.  This is the plugin to copy when writing your own: see
-- docs/plugin-api.md.

local function run(art)
  local rubric = art.rubric()
  local tallies = art.tally {
    -- A heading names a topic ("Co-production"); the paragraphs under it
    -- say what the site does about it, so headings are not evidence.
    skip_blocks = { "heading" },
    -- "We aim to", "in theory", "sometimes": a hedged statement is an
    -- aspiration or a partial truth, so it counts half.
    hedge = 0.5,
    evidence = 500,          -- the host's default evidence cap per emit
  }

  -- Emit in rubric order, then a fixed facet order, so runs are deterministic.
  for _, dim in ipairs(rubric.dimensions) do
    for _, facet in ipairs({ "espoused", "enacted" }) do
      local t = tallies[dim.id] and tallies[dim.id][facet]
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
  name = "lexical",
  version = "0.3.0",
  description = "Scores dimensions from rubric indicator phrases in documents and interviews",
  dimensions = { "*" },
  run = run,
}

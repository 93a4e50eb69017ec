-- segment: cut the thinking into DLCoT segments and solution attempts
-- (whittle's segmenter), label the counts, and write them if asked.
local prune = require "whittle.lib.prune"

return {
	name = "segment",
	summary = "segment the thinking (DLCoT parts, solution attempts); label the counts",
	doc = [[
DLCoT (Luo et al., arXiv 2503.16385) splits a long CoT into five parts
(restate, understand, explore, verify, conclude) and the exploration into
solution attempts, labelled against the reference. whittle does it with cue
rules (see wh.segment); this step labels `segments`, `solutions`,
`redundant` (repeated approaches) and `incorrect` attempts, and with
emit=true writes the segmentation as a `segmentation` field. Later pruning
steps reuse it.]],
	params = {
		{ name = "emit", type = "boolean", default = false,
		  doc = "write the segments and solutions into the output record" },
	},
	run = function(t, p)
		local g = prune.segments(t)
		local redundant, incorrect = 0, 0
		for _, s in ipairs(g.solutions) do
			if s.redundant then redundant = redundant + 1 end
			if s.label == "incorrect" then incorrect = incorrect + 1 end
		end
		t:label("segments", g.n_segments)
		t:label("solutions", #g.solutions)
		t:label("redundant", redundant)
		t:label("incorrect", incorrect)
		if p.emit then t.segmentation = { segments = g.segments, solutions = g.solutions } end
		return t
	end,
}

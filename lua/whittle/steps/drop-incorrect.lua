-- drop-incorrect (DLCoT incorrectness reduction): keep the main path up to
-- the first correct attempt and cut incorrect side attempts after it.
local prune = require "whittle.lib.prune"

return {
	name = "drop-incorrect",
	summary = "keep the main path, cut erroneous side solutions (DLCoT)",
	doc = [[
DLCoT's optional incorrectness reduction (Luo et al., arXiv 2503.16385):
the main path runs from the first attempt to the first correct one; a
trace with no correct attempt is skipped; after the main path, attempts
labelled incorrect or incomplete are removed. The conclusion stays. A
trace without a reference answer is passed through.]],
	params = {
		{ name = "incomplete", type = "boolean", default = true,
		  doc = "also cut side attempts that reach no answer" },
	},
	run = function(t, p)
		local g = prune.segments(t)
		if not g.has_reference then return t end
		local any = false
		for _, s in ipairs(g.solutions) do
			if s.label == "correct" then any = true end
		end
		if not any then return nil end
		local keep = prune.drop_solutions(g, function(s)
			return not s.main and (s.label == "incorrect" or
				(p.incomplete and s.label == "incomplete"))
		end)
		return prune.apply(t, keep)
	end,
}

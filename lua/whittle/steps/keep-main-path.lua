-- keep-main-path (DLCoT): keep only the main path, the attempts up to the
-- first correct one, and the parts around it (restatement, conclusion).
local prune = require "whittle.lib.prune"

return {
	name = "keep-main-path",
	summary = "keep only the attempts up to the first correct one, and the conclusion",
	doc = [[
The strongest DLCoT pruning (Luo et al., arXiv 2503.16385; keep_one_global
with every later cluster member dropped): every solution attempt and
verification after the first correct attempt goes; the restatement,
understanding and conclusion stay. Traces with no correct attempt are
dropped unless keep_unsolved=true (then passed through).]],
	params = {
		{ name = "keep_unsolved", type = "boolean", default = false,
		  doc = "pass through traces with no correct attempt instead of dropping them" },
	},
	run = function(t, p)
		local g = prune.segments(t)
		local solved = false
		for _, s in ipairs(g.solutions) do
			if s.label == "correct" then solved = true end
		end
		if not solved then return p.keep_unsolved and t or nil end
		return prune.apply(t, prune.drop_solutions(g, function(s) return not s.main end))
	end,
}

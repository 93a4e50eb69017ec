-- prune-redundant (DLCoT): drop solution attempts that repeat an earlier
-- approach, keeping the first of each and the conclusion.
local prune = require "whittle.lib.prune"

-- How many of the redundant attempts each variant drops, from the last.
local LIMIT = { all = math.huge, ["last-1"] = 1, ["last-2"] = 2 }

return {
	name = "prune-redundant",
	summary = "drop repeated approaches (DLCoT; variants all / last-1 / last-2)",
	doc = [[
DLCoT (Luo et al., "Deconstructing Long Chain-of-Thought", arXiv
2503.16385) clusters the solution attempts and verifications by approach,
keeps the first of each cluster and removes the others (delete_multi_all),
or only the last one or two of them (delete_multi_1, delete_multi_2).
Attempts the segmenter marks redundant (same answer, overlapping words)
are the others here. The macro structure and the conclusion stay.]],
	params = {
		{ name = "variant", type = "string", default = "all",
		  doc = "all: drop every redundant attempt; last-1, last-2: only the last 1 or 2" },
	},
	check = function(p)
		if not LIMIT[p.variant] then
			error("variant is all, last-1 or last-2, not " .. p.variant, 0)
		end
	end,
	run = function(t, p)
		local limit = LIMIT[p.variant]
		local g = prune.segments(t)
		local redundant = {}
		for i, s in ipairs(g.solutions) do
			if s.redundant then redundant[#redundant + 1] = i end
		end
		local drop = {}
		for k = #redundant, math.max(1, #redundant - limit + 1), -1 do
			drop[redundant[k]] = true
		end
		local n = 0
		local keep = prune.drop_solutions(g, function(s)
			n = n + 1
			return drop[n] == true
		end)
		return prune.apply(t, keep)
	end,
}

-- early-stop (Efficient Long CoT): the shortest prefix of the thinking, on
-- segment boundaries, that reaches the correct answer, plus the conclusion.
local prune = require "whittle.lib.prune"
local wh = require "whittle"

return {
	name = "early-stop",
	summary = "shortest segment prefix reaching the correct answer, plus the conclusion",
	doc = [[
Efficient Long CoT for small models (Wang et al., arXiv 2505.18440) prunes
a correct teacher CoT to the shortest prefix after which the answer is
still right (found there with a binary search and the student as judge),
then appends the original conclusion; a trace whose CoT never reaches the
answer is discarded. Here the prefix ends at the first segment that states
an answer equal to the gold answer; the conclusion segments follow.
Traces without gold, or that never state it, are dropped unless
keep_unsolved=true.]],
	params = {
		{ name = "keep_unsolved", type = "boolean", default = false,
		  doc = "pass through traces that never state the gold answer" },
	},
	run = function(t, p)
		local gold = t.gold and wh.answer.of_gold(t.gold)
		local g = prune.segments(t)
		local stop
		if gold then
			for i, s in ipairs(g.segments) do
				if s.claim and wh.answer.equivalent(s.claim, gold) then stop = i break end
			end
		end
		if not stop then return p.keep_unsolved and t or nil end
		local keep = {}
		for i, s in ipairs(g.segments) do keep[i] = i <= stop or s.role == "conclude" end
		return prune.apply(t, keep):label("stopped_at", stop)
	end,
}

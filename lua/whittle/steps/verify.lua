-- verify: extract the trace's final answer, compare it with the gold
-- answer, and label the trace (labels.correct, labels.extracted).
local wh = require "whittle"

return {
	name = "verify",
	summary = "extract the final answer, compare with gold, label correct",
	doc = [[
Labels each trace with `extracted` (the final answer found by the rules of
the papers' graders: last \boxed{}, "Final Answer:", "the answer is", GSM8K
"####", ...; see wh.answer) and `correct`: true when it equals the gold
answer (MATH-grader normalisation, numbers within 1e-4, expressions at
random points), false when it differs or no answer is found, absent when
there is no gold, no response at all (a prompt set: neither thinking nor
answer) or the comparison cannot tell. Rejection sampling to correct traces, as LiteCoT,
Mix Distillation and DLCoT do before training, is `drop=true`.]],
	params = {
		{ name = "drop", type = "boolean", default = false,
		  doc = "drop traces that are not labelled correct" },
	},
	run = function(t, p)
		local answer = wh.answer.of_trace(t)
		local gold = t.gold and wh.answer.of_gold(t.gold)
		t:label("extracted", answer)
		local correct
		if answer and gold then correct = wh.answer.equivalent(answer, gold) end
		if gold and not answer and (t.thinking or t.answer) then correct = false end
		t:label("correct", correct)
		if p.drop and correct ~= true then return nil end
		return t
	end,
}

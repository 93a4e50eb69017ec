-- verify: correct is the equivalence of the extracted answer and gold, on
-- real R1 traces; drop=true keeps only the correct ones.
local T = loadfile((...) .. "/tests/lua/lib.lua")(...)
local wh = require "whittle"

local traces = T.traces("HuangZhen02__longCOT-example/limo_deepseek-r1-distill-qwen-32b.jsonl", 40)
	or T.demo()
local n_correct = 0
for _, t in ipairs(traces) do
	local out = T.step("verify", {}, t)[1]
	local answer = wh.answer.of_trace(t)
	T.eq(out.labels.extracted, answer, "extracted")
	local want = answer and wh.answer.equivalent(answer, wh.answer.of_gold(t.gold))
	T.eq(out.labels.correct, want, "correct")
	if want then n_correct = n_correct + 1 end
	T.eq(#T.step("verify", { drop = true }, t), want and 1 or 0, "drop")
end
T.ok(n_correct > #traces / 2, "most R1 traces are correct: " .. n_correct)
-- No answer anywhere: incorrect.
local t = wh.trace { question = "q", thinking = "no idea", gold = "7" }
T.eq(T.step("verify", {}, t)[1].labels.correct, false, "no answer is incorrect")
-- No response at all (a prompt set): not graded, and dropped by drop=true.
t = wh.trace { question = "q", gold = "7" }
T.eq(T.step("verify", {}, t)[1].labels.correct, nil, "a prompt is not graded")
T.eq(#T.step("verify", { drop = true }, t), 0, "drop keeps only correct traces")

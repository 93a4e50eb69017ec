-- early-stop: the output is a prefix of the thinking plus the conclusion,
-- still states the gold answer, and is never longer.
local T = loadfile((...) .. "/tests/lua/lib.lua")(...)
local wh = require "whittle"

local traces = T.traces("HuangZhen02__longCOT-example/limo_deepseek-r1-distill-qwen-32b.jsonl", 40)
	or T.demo()
local stopped, shorter = 0, 0
for _, t in ipairs(traces) do
	local o = T.step("early-stop", {}, t)[1]
	if o then
		stopped = stopped + 1
		T.ok(#o.thinking <= #t.thinking, "never longer")
		if #o.thinking < #t.thinking then shorter = shorter + 1 end
		local g = wh.segment.run(t)
		local s = g.segments[o.labels.stopped_at]
		T.eq(t.thinking:sub(1, #o.thinking):sub(1, s.start - 1), o.thinking:sub(1, s.start - 1),
			"a prefix up to the stop")
		T.ok(wh.answer.equivalent(s.claim, wh.answer.of_gold(t.gold)), "stops at the gold answer")
	end
end
T.ok(stopped > 0 and shorter > 0, ("some traces stop early (%d of %d)"):format(shorter, stopped))
T.eq(#T.step("early-stop", {}, wh.trace { thinking = "So x = 5." }), 0, "no gold: dropped")

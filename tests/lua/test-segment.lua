-- segment: labels agree with wh.segment.run; emit writes the segmentation.
local T = loadfile((...) .. "/tests/lua/lib.lua")(...)
local wh = require "whittle"

local traces = T.traces("HuangZhen02__longCOT-example/limo_deepseek-r1-distill-qwen-32b.jsonl", 10)
	or T.demo(5)
for _, t in ipairs(traces) do
	local g = wh.segment.run(t)
	local out = T.step("segment", { emit = true }, t)[1]
	T.eq(out.labels.segments, #g.segments, "segments")
	T.eq(out.labels.solutions, #g.solutions, "solutions")
	T.eq(#out.segmentation.segments, #g.segments, "emitted")
	for i = 2, #g.segments do
		T.ok(g.segments[i].start > g.segments[i - 1].stop, "segments in order")
	end
	T.eq(T.step("segment", {}, t)[1].segmentation, nil, "not emitted by default")
end

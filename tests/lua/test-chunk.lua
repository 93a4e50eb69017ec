-- chunk: the chunks tile the thinking in order; each sample's context is
-- the chunks before it; search cuts on segment boundaries.
local T = loadfile((...) .. "/tests/lua/lib.lua")(...)
local wh = require "whittle"

local traces = T.traces("HuangZhen02__longCOT-example/limo_deepseek-r1-distill-qwen-32b.jsonl", 8)
	or T.demo()
for _, t in ipairs(traces) do
	for _, method in ipairs({ "equal", "search" }) do
		local out = T.step("chunk", { chunks = 4, method = method }, t)
		T.ok(#out >= 1 and #out <= 4, "up to 4 chunks")
		local joined = {}
		for i, o in ipairs(out) do
			T.eq(o.labels.chunk, i, "chunk index")
			T.eq(o.context, table.concat(joined), "context is the earlier chunks")
			T.eq(o.thinking, o.context .. o.target, "thinking = context .. target")
			T.eq(o.answer ~= nil, i == #out and t.answer ~= nil, "answer on the last only")
			joined[#joined + 1] = o.target
		end
		T.eq(table.concat(joined), t.thinking, method .. ": chunks tile the thinking")
		T.ok(utf8.len(out[1].target) ~= nil, "cuts on characters")
		if method == "search" then
			local starts = {}
			for _, s in ipairs(wh.segment.run(t).segments) do starts[s.start] = true end
			local pos = 1
			for i, o in ipairs(out) do
				if i > 1 then T.ok(starts[pos], "search cuts at a segment start") end
				pos = pos + #o.target
			end
		end
	end
end

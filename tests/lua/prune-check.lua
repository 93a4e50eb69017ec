-- Shared by the pruning tests: run step name over real R1 traces and check
-- the DLCoT contract: no longer than before, the conclusion kept, and a
-- correct trace still gives the gold answer.
local T = loadfile((...) .. "/tests/lua/lib.lua")(...)
local wh = require "whittle"

return function(name, params, check)
	local traces = T.traces("HuangZhen02__longCOT-example/limo_deepseek-r1-distill-qwen-32b.jsonl", 60)
		or T.demo()
	local shorter = 0
	for _, t in ipairs(traces) do
		local g = wh.segment.run(t)
		local gold = wh.answer.of_gold(t.gold or "")
		local before = wh.answer.of_trace(t)
		local out = T.step(name, params, t)
		T.ok(#out <= 1, name .. " gives at most one trace")
		local o = out[1]
		if o then
			T.ok(#o.thinking <= #t.thinking, name .. " never lengthens")
			if #o.thinking < #t.thinking then shorter = shorter + 1 end
			local last = g.segments[#g.segments]
			if last and last.role == "conclude" then
				local text = t.thinking:sub(last.start, last.stop)
				T.ok(o.thinking:find(text, 1, true), name .. " keeps the conclusion")
			end
			if gold and before and wh.answer.equivalent(before, gold) then
				local after = wh.answer.of_trace(o)
				T.ok(after and wh.answer.equivalent(after, gold),
					name .. " keeps the gold answer (record " .. t.index .. ")")
			end
		end
		if check then check(t, g, o) end
	end
	return shorter
end

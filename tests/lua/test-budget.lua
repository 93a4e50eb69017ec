-- budget: every output fits its budget, carries the control line, and
-- keeps the conclusion; levels that cannot fit are skipped.
local T = loadfile((...) .. "/tests/lua/lib.lua")(...)
local wh = require "whittle"
local tok = wh.tokenizer.default()

local traces = T.traces("HuangZhen02__longCOT-example/limo_deepseek-r1-distill-qwen-32b.jsonl", 12)
	or T.demo()
local levels = { 256, 1024, 4096 }
local emitted = 0
for _, t in ipairs(traces) do
	local out = T.step("budget", { levels = levels }, t)
	local seen = {}
	for _, o in ipairs(out) do
		local b = o.labels.budget
		seen[b] = true
		T.ok(tok:count(o.thinking) <= b, "within budget " .. b)
		T.eq(o.labels.thinking_tokens, tok:count(o.thinking), "thinking_tokens")
		T.ok(o.question:sub(-#("Thinking budget: " .. b .. " tokens")) ==
			"Thinking budget: " .. b .. " tokens", "control line")
		T.eq(o.labels.budget_skipped, #levels - #out, "skipped count")
		emitted = emitted + 1
	end
	if tok:count(t.thinking) <= 4096 then T.ok(seen[4096], "fits already: kept") end
	if #out == 0 then T.ok(tok:count(t.thinking) > 4096, "dropped only when no level fits") end
end
T.ok(emitted > 0, "some levels fit")
local o = T.step("budget", { levels = { 100000 }, control = "B={b}" }, traces[1])[1]
T.eq(o.thinking, traces[1].thinking, "a large budget changes nothing")
T.ok(o.question:match("B=100000$"), "custom control line")

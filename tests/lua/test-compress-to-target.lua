-- compress-to-target: outputs fit their target; gold answers survive.
local T = loadfile((...) .. "/tests/lua/lib.lua")(...)
local wh = require "whittle"
local tok = wh.tokenizer.default()

local traces = T.traces("HuangZhen02__longCOT-example/limo_deepseek-r1-distill-qwen-32b.jsonl", 12)
	or T.demo()
local kept = 0
for _, t in ipairs(traces) do
	local d = T.step("difficulty", {}, t)[1]
	local o = T.step("compress-to-target", {}, d)[1]
	if o then
		kept = kept + 1
		T.ok(tok:count(o.thinking) <= d.labels.target_tokens, "fits the target")
	end
	local forced = T.step("compress-to-target", { target = 10, keep_over = true }, t)[1]
	T.ok(forced.labels.over_target or tok:count(forced.thinking) <= 10, "keep_over")
end
T.ok(kept > 0, "some traces reach their target")
local ok, err = pcall(T.step, "compress-to-target", {}, traces[1])
T.ok(not ok and err:match("no target"), "needs a target")

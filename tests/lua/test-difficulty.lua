-- difficulty: buckets follow the thresholds; a pass rate moves them.
local T = loadfile((...) .. "/tests/lua/lib.lua")(...)
local wh = require "whittle"
local tok = wh.tokenizer.default()

local counts = {}
for _, t in ipairs(T.demo()) do
	local o = T.step("difficulty", { simple_max = 800, complex_min = 2000 }, t)[1]
	local n = tok:count(t.thinking)
	local d = o.labels.difficulty
	counts[d] = (counts[d] or 0) + 1
	if n > 2000 then T.eq(d, "complex", "long is complex") end
	if d == "simple" then T.ok(n <= 800, "simple is short") end
	local want = ({ simple = 512, moderate = 1024, complex = 2048 })[d]
	T.eq(o.labels.target_tokens, want, "target")
end
T.ok(counts.simple or counts.moderate, "not everything complex")
local easy = wh.trace { question = "q", thinking = string.rep("step. ", 300),
	_raw = '{"pass_rate": 0.95}' }
local hard = wh.trace { question = "q", thinking = string.rep("step. ", 300),
	_raw = '{"pass_rate": 0.05}' }
local a = T.step("difficulty", { simple_max = 100, complex_min = 100000 }, easy)[1]
local b = T.step("difficulty", { simple_max = 100, complex_min = 100000 }, hard)[1]
T.eq(a.labels.difficulty, "simple", "high pass rate: easier")
T.eq(b.labels.difficulty, "complex", "low pass rate: harder")

-- mix: fraction 0.2 of the records take the long CoT (within 1), drawn
-- with the seed, the same in every state.
local T = loadfile((...) .. "/tests/lua/lib.lua")(...)
local wh = require "whittle"

local short = T.data .. "/HuangZhen02__longCOT-example/limo_qwen2.5-32b-instruct.jsonl"
local long = T.data .. "/HuangZhen02__longCOT-example/limo_deepseek-r1-distill-qwen-32b.jsonl"
local input = wh.open(short)
if not input then
	short = T.src .. "/examples/demo-r1-messages.jsonl"
	long, input = short, wh.open(short)
end
local function run(seed, fraction)
	local ctx = { input = input, seed = seed }
	local n, picked = 0, {}
	for i, t in input:traces() do
		local o = T.step("mix", { long = long, fraction = fraction }, t, ctx)[1]
		if o.labels.mix == "long" then
			n = n + 1
			picked[#picked + 1] = i
			T.ok(o.thinking ~= nil, "long thinking")
		end
	end
	return n, table.concat(picked, ",")
end
local count = input:count()
for _, x in ipairs({ 0.2, 0.5 }) do
	local n = run(1, x)
	local want = math.floor(x * count + 0.5)
	local ld = wh.open(long)
	if ld:count() >= want then
		T.ok(math.abs(n - want) <= 1, ("mix %.1f: %d long of %d"):format(x, n, count))
	end
end
local _, a = run(1, 0.2)
local _, b = run(1, 0.2)
local _, c = run(2, 0.2)
T.eq(a, b, "same seed, same picks")
T.ok(a ~= c, "another seed, other picks")

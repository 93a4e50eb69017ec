-- dedup: exact and near duplicates after the first go; benchmark questions
-- go with against=.
local T = loadfile((...) .. "/tests/lua/lib.lua")(...)
local wh = require "whittle"

local dir = os.getenv("TMPDIR") or "/tmp"
local path = dir .. "/whittle-dedup-" .. tostring(os.time()) .. ".jsonl"
local bench = path .. ".bench.jsonl"
local qs = {
	"What is the sum of the first 100 positive integers?",
	"Find the number of ordered pairs of integers (a, b) with a + b = 10 and a, b > 0.",
	"what is the sum of the first 100 positive integers ?",
	"What is the sum of the first 100 positive integers? Answer quickly",
	"Compute the area of a circle of radius 3.",
	"Find the number of ordered pairs of integers (a, b) with a + b = 10 and a, b > 0.",
}
local f = assert(io.open(path, "w"))
for _, q in ipairs(qs) do
	f:write(wh.json.encode({ question = q, thinking = "x", answer = "1" }), "\n")
end
f:close()
f = assert(io.open(bench, "w"))
f:write(wh.json.encode({ problem = "Compute the area of a circle of radius 3.", solution = "y", answer = "2" }), "\n")
f:close()
local map = { map = "question=/question,thinking=/thinking,answer=/answer" }
local input = assert(wh.open(path, map))
local function kept(p)
	local ctx, out = { input = input }, {}
	for i, t in input:traces() do
		if #T.step("dedup", p, t, ctx) == 1 then out[#out + 1] = i end
	end
	return table.concat(out, ",")
end
T.eq(kept({ threshold = 0.8 }), "1,2,4,5", "exact duplicates go")
T.eq(kept({ threshold = 0.5 }), "1,2,5", "near duplicates go at a lower threshold")
T.eq(kept({ threshold = 0.8, against = bench }), "1,2,4", "benchmark questions go")
os.remove(path)
os.remove(bench)

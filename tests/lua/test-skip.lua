-- skip: contexts skip only non-reasoning middle chunks; first and last
-- chunks are always kept.
local T = loadfile((...) .. "/tests/lua/lib.lua")(...)

local traces = T.traces("HuangZhen02__longCOT-example/limo_deepseek-r1-distill-qwen-32b.jsonl", 8)
	or T.demo()
local skipped = 0
for _, t in ipairs(traces) do
	local chunks = T.step("chunk", { chunks = 6 }, t)
	local out = T.step("skip", { chunks = 6 }, t)
	T.eq(#out + out[1].labels.skipped, #chunks, "kept + skipped = chunks")
	T.eq(out[1].target, chunks[1].target, "first chunk kept")
	T.eq(out[#out].target, chunks[#chunks].target, "last chunk kept")
	local ctx = {}
	for _, o in ipairs(out) do
		T.eq(o.context, table.concat(ctx), "context = kept chunks before")
		ctx[#ctx + 1] = o.target
	end
	skipped = skipped + out[1].labels.skipped
end
T.ok(skipped > 0, "some middle chunks are non-reasoning")

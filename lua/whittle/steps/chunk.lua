-- chunk (Skip-Thinking CWT): one training sample per chunk of the
-- thinking, the earlier chunks as context and the loss on that chunk.
local chunks = require "whittle.lib.chunks"

return {
	name = "chunk",
	summary = "one sample per thinking chunk, earlier chunks as context (Skip-Thinking CWT)",
	doc = [[
Chunk-wise training (Chen et al., "Skip-Thinking", EMNLP 2025, arXiv
2505.18642) divides the rationale into chunks and learns one chunk per
sample, so summaries and transitions stop diluting the gradient. method
equal is average chunking (AC: equal byte lengths), search is search-based
chunking (SBC; here: cuts on segment boundaries that balance the chunk
lengths). Sample i has context (chunks 1..i-1) and target (chunk i, with
the answer after the last); thinking is context..target; labels chunk and
chunks.]],
	params = {
		{ name = "chunks", type = "integer", default = 4, doc = "how many chunks" },
		{ name = "method", type = "string", default = "search", doc = "equal or search" },
	},
	check = function(p)
		if p.chunks < 1 then error("chunks is 1 or more, not " .. p.chunks, 0) end
		if p.method ~= "equal" and p.method ~= "search" then
			error("method is equal or search, not " .. p.method, 0)
		end
	end,
	run = function(t, p)
		if (t.thinking or "") == "" then return t end
		local cs = chunks.split(t, p.chunks, p.method)
		local out = {}
		for i, c in ipairs(cs) do
			local s = t:copy()
			s._seg = nil
			s.context = (t.thinking):sub(1, c.from - 1)
			s.target = c.text
			s.thinking = s.context .. c.text
			if i < #cs then s.answer = nil end
			s:label("chunk", i)
			s:label("chunks", #cs)
			out[i] = s
		end
		return out
	end,
}

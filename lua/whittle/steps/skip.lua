-- skip (Skip-Thinking STT): samples whose context skips the non-reasoning
-- middle chunks, teaching the student to jump to the reasoning that matters.
local chunks = require "whittle.lib.chunks"

return {
	name = "skip",
	summary = "samples that skip non-reasoning middle chunks (Skip-Thinking STT)",
	doc = [[
Skip-thinking training (Chen et al., EMNLP 2025, arXiv 2505.18642) builds
on chunk-wise training: the student learns to skip the non-reasoning middle
chunks (restating, checking, self-talk) and go on to the next reasoning
chunk or the answer. Chunks are cut as the chunk step cuts them; a middle
chunk is non-reasoning when most of its bytes are in restate, understand
or verify segments or self-affirmation/negation. One sample per kept chunk
(context: the kept chunks before it) and one for the answer; labels
skipped counts the chunks left out.]],
	params = {
		{ name = "chunks", type = "integer", default = 4, doc = "how many chunks" },
		{ name = "method", type = "string", default = "search", doc = "equal or search" },
	},
	run = function(t, p)
		if (t.thinking or "") == "" then return t end
		local cs = chunks.split(t, p.chunks, p.method)
		local kept = {}
		for i, c in ipairs(cs) do
			if i == 1 or i == #cs or chunks.reasoning(t, c) then kept[#kept + 1] = c end
		end
		local out, context = {}, {}
		for i, c in ipairs(kept) do
			local s = t:copy()
			s._seg = nil
			s.context = table.concat(context)
			s.target = c.text
			s.thinking = s.context .. c.text
			if i < #kept then s.answer = nil end
			s:label("chunk", i)
			s:label("skipped", #cs - #kept)
			out[i] = s
			context[#context + 1] = c.text
		end
		return out
	end,
}

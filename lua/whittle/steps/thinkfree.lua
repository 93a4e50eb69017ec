-- thinkfree (TFPI, Xu et al., arXiv 2509.26226): empty the thinking so the
-- student answers straight after an empty think block.
local wh = require "whittle"

return {
	name = "thinkfree",
	summary = "empty the thinking: target = <think>\\n\\n</think>\\n\\n + answer (TFPI)",
	doc = [[
ThinkFree Policy Initialization (Xu et al., "Thinking-Free Policy
Initialization Makes Distilled Reasoning Models More Effective and Efficient
Reasoners", arXiv 2509.26226) appends "<think>\n\n</think>\n\n" to the
prompt so the model answers with its thinking discarded. This step empties
the thinking and sets `target` to that empty block followed by the answer.
A trace without an answer (its thinking was cut off) is dropped.]],
	params = {
		{ name = "block", type = "string", default = "<think>\n\n</think>\n\n",
		  doc = "the empty think block put before the answer" },
	},
	run = function(t, p)
		if t.answer == nil or t.answer:match("^%s*$") then return nil end
		t.thinking = ""
		t.target = p.block .. t.answer
		return t:label("thinkfree", true)
	end,
}

-- truncate (Distilling the Essence): keep the leading fraction of the
-- tokens of prompt + thinking + answer, with a loss mask per token.
local chat = require "whittle.lib.chat"
local tok = require "whittle.lib.tok"

return {
	name = "truncate",
	summary = "keep the first fraction of tokens of prompt+thinking+answer, with loss masks",
	doc = [[
Distilling the Essence (Chen et al., arXiv 2512.21002) tokenizes the whole
chat sequence (Qwen3 template, enable_thinking) and keeps max(1,
floor(n*x)) leading tokens (x = 0.5 keeps about 91% of the performance at
half the cost), so the CoT tail and the answer are cut. The loss goes on the
tokens its section_inclusion picks: all (promptcotAns), cot+answer (cotAns:
from <think> on), answer (ans: after </think>) or cot (the think block).
Writes input_ids, loss_mask, text (the kept tokens decoded) and labels
tokens_total and tokens_kept.]],
	params = {
		{ name = "fraction", type = "number", default = 0.5,
		  doc = "the share of leading tokens kept (0 < x <= 1)" },
		{ name = "loss", type = "string", default = "all",
		  doc = "which kept tokens get loss: all, cot+answer, answer, cot" },
		{ name = "template", type = "string", default = "qwen3",
		  doc = "chat template: qwen3, llama3 or deepseek_v3" },
		tok.param,
	},
	check = function(p, run)
		if not (p.fraction > 0 and p.fraction <= 1) then
			error("fraction is in (0, 1], not " .. p.fraction, 0)
		end
		chat.check(p.template, p.loss)
		tok.check(p, run)
	end,
	run = function(t, p, ctx)
		local kinds = chat.LOSS[p.loss]
		local tk = tok.get(p, ctx, "truncate")
		local text, spans = chat.render(p.template, chat.messages(t))
		local ids, starts = chat.tokenize(tk, text)
		local n = #ids
		local keep = math.max(1, math.floor(n * p.fraction))
		local mask = chat.mask(starts, chat.with_prompt(spans, #text), kinds)
		local kept_ids, kept_mask = {}, {}
		for i = 1, keep do kept_ids[i], kept_mask[i] = ids[i], mask[i] end
		t.input_ids, t.loss_mask = kept_ids, kept_mask
		t.text = tk:decode(kept_ids)
		t:label("tokens_total", n)
		return t:label("tokens_kept", keep)
	end,
}

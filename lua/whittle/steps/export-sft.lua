-- export-sft: chat messages rendered with a model's chat template, and with
-- a tokenizer the ids and per-token loss mask a trainer takes.
local chat = require "whittle.lib.chat"
local tok = require "whittle.lib.tok"
local wh = require "whittle"

return {
	name = "export-sft",
	summary = "chat messages, rendered text, token ids and loss masks (Qwen3, Llama 3, DeepSeek-V3)",
	doc = [[
Writes `messages` (an optional system turn, the question, and the thinking
in <think> followed by the answer), `text` (the messages rendered exactly as
transformers' apply_chat_template renders them with the template's own
Jinja: Qwen3/ChatML drops the thinking of earlier assistant turns, Llama 3
trims turns, DeepSeek-V3 keeps them) and, when a tokenizer is given,
`input_ids` and `loss_mask` (1 on the tokens trained on: the assistant's
thinking and answer by default, as SFT on distilled traces does).]],
	params = {
		{ name = "template", type = "string", default = "qwen3",
		  doc = "qwen3, llama3 or deepseek_v3" },
		{ name = "system", type = "string", default = "", doc = "a system turn, if any" },
		{ name = "loss", type = "string", default = "cot+answer",
		  doc = "which tokens get loss: all, cot+answer, answer, cot" },
		{ name = "tokenize", type = "boolean", default = true,
		  doc = "add input_ids and loss_mask when a tokenizer is there" },
		tok.param,
	},
	check = function(p) chat.check(p.template, p.loss) end,
	run = function(t, p, ctx)
		local kinds = chat.LOSS[p.loss]
		local msgs = chat.messages(t, p.system)
		local text, spans = chat.render(p.template, msgs)
		t.messages, t.text = msgs, text
		local tk = (p.tokenizer ~= "" or wh.tokenizer.default()) and tok.get(p, ctx, "export-sft")
		if p.tokenize and tk then
			local ids, starts = chat.tokenize(tk, text)
			t.input_ids = ids
			t.loss_mask = chat.mask(starts, chat.with_prompt(spans, #text), kinds)
		end
		return t
	end,
}

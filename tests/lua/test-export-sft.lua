-- export-sft: the text each chat template renders equals, byte for byte,
-- what transformers' apply_chat_template gave (hf-fixtures), and with the
-- real tokenizer the ids equal Hugging Face's; loss masks cover the
-- assistant's turn.
local T = loadfile((...) .. "/tests/lua/lib.lua")(...)
local wh = require "whittle"
local chat = require "whittle.lib.chat"

local f = io.open(T.data .. "/hf-fixtures/chat_templates.json")
if f then
	local fx = wh.json.decode(f:read("a"))
	f:close()
	local n, ids_checked = 0, 0
	for _, r in ipairs(fx.renderings) do
		local text = chat.render(r.template, r.messages, r.kwargs)
		T.eq(text, r.rendered, r.template .. " " .. r.case)
		local path = T.real_tokenizer(r.template)
		local tok = path and wh.tokenizer.load(path)
		if tok then
			local ids = tok:encode(text)
			T.eq(#ids, #r.ids, r.template .. " " .. r.case .. " id count")
			for i = 1, #ids do T.eq(ids[i], r.ids[i], r.template .. " id " .. i) end
			ids_checked = ids_checked + 1
		end
		n = n + 1
	end
	T.eq(n, 13, "every fixture")
	if ids_checked == 0 then print("# ids not checked: the real tokenizers are not installed") end
end

-- The step: messages, text, ids and a mask that is 1 exactly on the
-- assistant's tokens (for loss=cot+answer). Byte offsets of tokens need a
-- tokenizer that decodes every id back to its bytes: the real ones.
for _, t in ipairs(T.demo(4)) do
	for _, tpl in ipairs(chat.names) do
		local o = T.step("export-sft", { template = tpl, system = "Be brief.", tokenize = false }, t)[1]
		T.eq(#o.messages, 3, "system, user, assistant")
		T.eq(o.text, (chat.render(tpl, o.messages)), "text is the rendering")
		T.eq(o.input_ids, nil, "tokenize=false")
		local path = T.real_tokenizer(tpl)
		if path then
			local tok = wh.tokenizer.load(path)
			o = T.step("export-sft", { template = tpl, system = "Be brief.", tokenizer = path }, t)[1]
		T.eq(#o.messages, 3, "system, user, assistant")
		T.eq(o.text, (chat.render(tpl, o.messages)), "text is the rendering")
		T.eq(#o.input_ids, #o.loss_mask, "a mask per id")
		local ids = tok:encode(o.text)
		for i = 1, #ids do T.eq(o.input_ids[i], ids[i], "ids are the text's") end
		local first = 0
		for i, m in ipairs(o.loss_mask) do if m == 1 then first = i break end end
		T.ok(first > 1, "the prompt has no loss")
		local prompt = tok:decode({ table.unpack(o.input_ids, 1, first - 1) })
		T.ok(prompt:find(t.question, 1, true), "the question is in the prompt")
		T.ok(not prompt:find(t.answer, 1, true), "the answer is not")
		local a = T.step("export-sft", { template = tpl, loss = "answer", tokenizer = path }, t)[1]
		local c = T.step("export-sft", { template = tpl, loss = "cot", tokenizer = path }, t)[1]
		local all = T.step("export-sft", { template = tpl, loss = "cot+answer", tokenizer = path }, t)[1]
		for i = 1, #all.loss_mask do
			T.eq(all.loss_mask[i], math.max(a.loss_mask[i], c.loss_mask[i]), "cot+answer = cot | answer")
		end
		end
	end
end

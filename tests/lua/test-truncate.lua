-- truncate: x = 0.5 keeps floor(n/2) tokens of the whole rendered chat;
-- the mask follows the loss-span choice.
local T = loadfile((...) .. "/tests/lua/lib.lua")(...)
local wh = require "whittle"
local chat = require "whittle.lib.chat"
local tok = wh.tokenizer.default()

for _, t in ipairs(T.demo(6)) do
	local text = chat.render("qwen3", chat.messages(t))
	local n = #tok:encode(text)
	for _, x in ipairs({ 0.5, 0.25, 1 }) do
		local o = T.step("truncate", { fraction = x }, t)[1]
		T.eq(#o.input_ids, math.max(1, math.floor(n * x)), "keeps floor(n*x)")
		T.eq(o.labels.tokens_total, n, "tokens_total")
		local ids = tok:encode(text)
		for i = 1, #o.input_ids do T.eq(o.input_ids[i], ids[i], "a prefix") end
		for _, m in ipairs(o.loss_mask) do T.eq(m, 1, "loss=all") end
	end
	local cot = T.step("truncate", { fraction = 1, loss = "cot" }, t)[1]
	local ans = T.step("truncate", { fraction = 1, loss = "answer" }, t)[1]
	local ca = T.step("truncate", { fraction = 1, loss = "cot+answer" }, t)[1]
	local first
	for i, m in ipairs(ca.loss_mask) do
		T.eq(m, math.max(cot.loss_mask[i], ans.loss_mask[i]), "cot+answer")
		T.ok(cot.loss_mask[i] + ans.loss_mask[i] <= 1, "cot and answer disjoint")
		if m == 1 and not first then first = i end
	end
	local real = T.real_tokenizer("qwen3")
	if real then
		local r = T.step("truncate", { fraction = 1, loss = "cot+answer", tokenizer = real }, t)[1]
		local rt = wh.tokenizer.load(real)
		for i, m in ipairs(r.loss_mask) do
			if m == 1 then
				T.eq(rt:decode({ r.input_ids[i] }), "<think>", "cot+answer starts at <think>")
				break
			end
		end
	end
	T.ok(first ~= nil, "some tokens have loss")
	local half = T.step("truncate", { fraction = 0.5, loss = "answer" }, t)[1]
	local sum = 0
	for _, m in ipairs(half.loss_mask) do sum = sum + m end
	T.eq(sum, 0, "half the sequence: the answer is cut, no answer loss")
end
T.ok(not pcall(T.step, "truncate", { fraction = 0 }, T.demo(1)[1]), "fraction 0 refused")

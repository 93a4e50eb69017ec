-- budget (BARD): copies of each trace compressed to several thinking
-- budgets, each with a budget control line in its prompt.
local prune = require "whittle.lib.prune"
local tok = require "whittle.lib.tok"

return {
	name = "budget",
	summary = "copies compressed to token budgets, with a budget line in the prompt (BARD)",
	doc = [[
BARD (Niu, Shen et al., "Budget-Aware Reasoning Distillation", arXiv
2511.01470) trains on teacher CoT compressed to several budget levels, the
budget given in the prompt, so the student ties the number to a length.
For each level this step gives up the lowest-value segments first
(repeated attempts, self-affirmation, verification, side attempts,
understanding, restatement; never the main path or the conclusion) until
the thinking fits, and appends the control line to
the question. A level the trace cannot fit is skipped and counted in
labels.budget_skipped; a trace that fits none is dropped. Outputs never
exceed their budget: labels.budget and labels.thinking_tokens say so.]],
	params = {
		{ name = "levels", type = "list", default = { 512, 1024, 2048, 4096 },
		  doc = "the thinking budgets, in tokens" },
		{ name = "control", type = "string", default = "Thinking budget: {b} tokens",
		  doc = "the line added to the prompt; {b} is the budget" },
		tok.param,
	},
	check = function(p, run)
		for _, b in ipairs(p.levels) do
			local n = math.tointeger(b)
			if not n or n <= 0 then
				error("levels are positive integers, not " .. tostring(b), 0)
			end
		end
		tok.check(p, run)
	end,
	run = function(t, p, ctx)
		local tk = tok.get(p, ctx, "budget")
		local out, skipped = {}, 0
		for _, b in ipairs(p.levels) do
			b = math.tointeger(b)
			local c, n = prune.compress(t, b, tk)
			if c then
				c.question = (t.question or "") .. "\n\n" .. p.control:gsub("{b}", tostring(b))
				c:label("budget", b)
				c:label("thinking_tokens", n)
				out[#out + 1] = c
			else
				skipped = skipped + 1
			end
		end
		for _, c in ipairs(out) do c:label("budget_skipped", skipped) end
		if #out == 0 then return nil end
		return out
	end,
}

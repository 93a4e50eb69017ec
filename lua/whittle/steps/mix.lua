-- mix (Mix Distillation): take the long CoT for a fixed share of the
-- problems and the short CoT for the rest.
local wh = require "whittle"

local function key(q)
	return ((q or ""):lower():gsub("%s+", " "):gsub("^ ", ""):gsub(" $", ""))
end

-- The long traces by question, and which input entries take them: exactly
-- round(fraction * entries) of those that have a long trace, drawn with the
-- run's seed; the same in every state.
local function plan(p, ctx)
	local input = ctx.input
	if not input then error("mix: runs over a dataset (whittle step/run)", 0) end
	local long, err = wh.open(p.long)
	if not long then error("mix: " .. err, 0) end
	local by_q = {}
	for _, t in long:traces() do
		local k = key(t.question)
		if by_q[k] == nil then by_q[k] = { thinking = t.thinking, answer = t.answer } end
	end
	local eligible = {}
	for i, t in input:traces() do
		if by_q[key(t.question)] then eligible[#eligible + 1] = i end
	end
	wh.rng(ctx.seed):shuffle(eligible)
	local k = math.floor(p.fraction * input:count() + 0.5)
	local take = {}
	for i = 1, math.min(k, #eligible) do take[eligible[i]] = true end
	return { by_q = by_q, take = take }
end

return {
	name = "mix",
	summary = "long CoT for a share of the problems, short CoT for the rest (Mix Distillation)",
	doc = [[
Mix Distillation (Li et al., "Small Models Struggle to Learn from Strong
Reasoners", arXiv 2502.12143): small students learn best from mostly short
CoT with some long CoT; Mix-Long is 0.2 long : 0.8 short. Run this step on
the short-CoT file with long=the long-CoT file of the same questions: for
round(fraction x records) of the records that have a long version (drawn
with --seed), the thinking and answer are taken from the long file.
labels.mix says which each record got.]],
	params = {
		{ name = "long", type = "string", required = true, doc = "the long-CoT dataset" },
		{ name = "fraction", type = "number", default = 0.2,
		  doc = "the share of records that take the long CoT" },
	},
	check = function(p)
		if not (p.fraction >= 0 and p.fraction <= 1) then
			error("fraction is in [0, 1], not " .. p.fraction, 0)
		end
		local long, err = wh.open(p.long)
		if not long then error(err, 0) end
		long:close()
	end,
	run = function(t, p, ctx)
		ctx.cache.mix = ctx.cache.mix or plan(p, ctx)
		local m = ctx.cache.mix
		if m.take[t.index] then
			local l = m.by_q[key(t.question)]
			t.thinking, t.answer = l.thinking, l.answer
			return t:label("mix", "long")
		end
		return t:label("mix", "short")
	end,
}

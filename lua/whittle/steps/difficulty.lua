-- difficulty (LiteCoT): bucket traces into simple, moderate and complex,
-- with a target thinking length for each bucket.
local prune = require "whittle.lib.prune"
local tok = require "whittle.lib.tok"

local BUCKETS = { "simple", "moderate", "complex" }

return {
	name = "difficulty",
	summary = "bucket into simple/moderate/complex with a target length each (LiteCoT)",
	doc = [[
LiteCoT's difficulty-aware prompting (Wu et al., arXiv 2505.19716) has the
teacher judge a problem simple, moderate or complex and write a CoT of a
matching length (LiteCoT averages about 720 tokens). Without a teacher in
the loop this step judges from the trace: thinking tokens, the number of
solution attempts, and the record's pass rate when it has one
(pass_rate or pass_at_1, 0..1). It labels difficulty and target_tokens,
which compress-to-target reads.]],
	params = {
		{ name = "simple_max", type = "integer", default = 2048,
		  doc = "at most this many thinking tokens (and at most 2 attempts) is simple" },
		{ name = "complex_min", type = "integer", default = 8192,
		  doc = "more thinking tokens than this (or 5 attempts or more) is complex" },
		{ name = "targets", type = "list", default = { 512, 1024, 2048 },
		  doc = "target thinking tokens for simple, moderate, complex" },
		tok.param,
	},
	check = tok.check,
	run = function(t, p, ctx)
		local n = tok.get(p, ctx, "difficulty"):count(t.thinking or "")
		local attempts = #prune.segments(t).solutions
		local rec = t.record or {}
		local pass = tonumber(rec.pass_rate or rec.pass_at_1)
		local level = 2
		if n <= p.simple_max and attempts <= 2 then level = 1 end
		if n > p.complex_min or attempts >= 5 then level = 3 end
		if pass and pass >= 0.8 and level > 1 then level = level - 1 end
		if pass and pass < 0.2 and level < 3 then level = level + 1 end
		t:label("difficulty", BUCKETS[level])
		t:label("thinking_tokens", n)
		t:label("target_tokens", math.tointeger(p.targets[level]) or p.targets[level])
		return t
	end,
}

-- compress-to-target (LiteCoT): prune a trace's thinking down to its target
-- length with the pruning budget uses.
local prune = require "whittle.lib.prune"
local tok = require "whittle.lib.tok"

return {
	name = "compress-to-target",
	summary = "prune the thinking to its target length (labels.target_tokens or target=)",
	doc = [[
With difficulty (LiteCoT, Wu et al., arXiv 2505.19716) before it, each
trace is pruned to the target of its bucket; target=N sets one target for
all. Segments go in the order budget gives them up (never the main path or
the conclusion).
A trace that cannot reach its target is dropped, or with keep_over=true
passed through unchanged and labelled over_target.]],
	params = {
		{ name = "target", type = "integer", default = 0,
		  doc = "target thinking tokens (0: the trace's labels.target_tokens)" },
		{ name = "keep_over", type = "boolean", default = false,
		  doc = "keep traces that cannot reach their target, unchanged" },
		tok.param,
	},
	check = tok.check,
	run = function(t, p, ctx)
		local target = p.target > 0 and p.target or (t.labels or {}).target_tokens
		if not target then
			error("compress-to-target: no target (run difficulty first, or give target=N)", 0)
		end
		local c, n = prune.compress(t, target, tok.get(p, ctx, "compress-to-target"))
		if not c then
			if p.keep_over then return t:label("over_target", true) end
			return nil
		end
		return c:label("thinking_tokens", n)
	end,
}

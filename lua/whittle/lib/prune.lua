-- Helpers the pruning steps share (prune-redundant, drop-incorrect,
-- keep-main-path, budget, compress-to-target, early-stop): a trace's
-- segmentation, and its thinking rebuilt from the segments kept.
local wh = require "whittle"

local M = {}

-- The segmentation of t, computed once per trace: cached in t._seg with
-- the thinking it was made from, so a step that edits t.thinking gets a
-- fresh one. A trace pruned from another (M.apply) is segmented reusing
-- the other's segmentation (wh.segment.rerun).
function M.segments(t)
	local g = t._seg
	if g == nil or t._seg_of ~= t.thinking then
		local from = t._seg_from
		g = from and wh.segment.rerun(from, t) or wh.segment.run(t)
		t._seg, t._seg_of, t._seg_from = g, t.thinking, nil
	end
	return g
end

-- A copy of t whose thinking keeps the segments keep[i] (wh.segment.rebuild);
-- the segmentation cache is dropped, and labels.segments_dropped counts
-- what went. When every segment is kept, t itself (its segmentation still
-- good).
function M.apply(t, keep)
	local g = M.segments(t)
	local text, dropped = wh.segment.rebuild(g, keep)
	if dropped == 0 then return t end
	local c = t:copy()
	c.thinking = text
	c._seg, c._seg_of, c._seg_from = nil, nil, g
	return c:label("segments_dropped", dropped + ((t.labels or {}).segments_dropped or 0))
end

-- Every segment kept.
function M.all(g)
	return wh.segment.keep(g)
end

-- Keep every segment of solution attempts for which drop(sol) is false.
function M.drop_solutions(g, drop)
	local set = {}
	for k, sol in ipairs(g.solutions) do
		if drop(sol) then set[k] = true end
	end
	return wh.segment.keep(g, set)
end

-- The order segments are given up in to meet a token budget (BARD, LiteCoT):
-- repeated attempts, self-affirmation and self-negation, verification, side
-- attempts, understanding, restatement. The main path and the conclusion
-- are never given up: a trace they do not fit in is skipped.
local function tier(s, sol)
	if s.role == "conclude" then return nil end
	if sol and sol.redundant then return 1 end
	if s.flags["self-affirm"] or s.flags["self-negate"] then return 2 end
	if s.role == "verify" then return 3 end
	if sol and not sol.main then return 4 end
	if s.role == "understand" then return 5 end
	if s.role == "restate" then return 6 end
	return nil
end

local function drop_order(g)
	local order = {}
	for i, s in ipairs(g.segments) do
		local k = tier(s, g.solutions[s.solution])
		if k then order[#order + 1] = { i = i, tier = k } end
	end
	table.sort(order, function(a, b)
		if a.tier ~= b.tier then return a.tier < b.tier end
		return a.i > b.i
	end)
	return order
end

-- A copy of t whose thinking has at most budget tokens of tok, made by
-- giving up segments in drop_order; nil when it cannot be done. The
-- second result is the thinking's token count.
function M.compress(t, budget, tok)
	local thinking = t.thinking or ""
	local n = tok:count(thinking)
	if n <= budget then return t:copy(), n end
	local g = M.segments(t)
	local segs = g.segments
	local cost = {}
	for i, s in ipairs(segs) do
		local stop = segs[i + 1] and segs[i + 1].start - 1 or #thinking
		cost[i] = tok:count(thinking:sub(s.start, stop))
	end
	local keep = M.all(g)
	local est = n
	for _, d in ipairs(drop_order(g)) do
		keep[d.i] = false
		est = est - cost[d.i]
		if est <= budget then
			local text = wh.segment.rebuild(g, keep)
			local exact = tok:count(text)
			if exact <= budget then
				local c = M.apply(t, keep)
				return c, exact
			end
			est = exact
		end
	end
	return nil, n
end

return M

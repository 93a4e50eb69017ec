-- prune-redundant: redundant attempts go (all of them, or the last 1 or 2).
local T = loadfile((...) .. "/tests/lua/lib.lua")(...)
local check = loadfile(T.src .. "/tests/lua/prune-check.lua")(...)

local function redundant_left(o)
	local n = 0
	for _, s in ipairs(require("whittle").segment.run(o).solutions) do
		if s.redundant then n = n + 1 end
	end
	return n
end

local pruned = check("prune-redundant", { variant = "all" }, function(t, g, o)
	local had = 0
	for _, s in ipairs(g.solutions) do if s.redundant then had = had + 1 end end
	if had > 0 then T.ok(#o.thinking < #t.thinking, "redundant attempts removed") end
	T.eq(((o.labels or {}).segments_dropped or 0) > 0, had > 0, "segments_dropped label")
	T.ok(redundant_left(o) <= had, "fewer redundant attempts")
end)
T.ok(pruned > 0, "some traces pruned")
check("prune-redundant", { variant = "last-1" }, function(t, g, o)
	local had = 0
	for _, s in ipairs(g.solutions) do if s.redundant then had = had + 1 end end
	local all = T.step("prune-redundant", { variant = "all" }, t)[1]
	T.ok(#o.thinking >= #all.thinking, "last-1 removes no more than all")
end)
local ok = pcall(T.step, "prune-redundant", { variant = "some" }, require("whittle").trace { thinking = "x" })
T.ok(not ok, "unknown variant")

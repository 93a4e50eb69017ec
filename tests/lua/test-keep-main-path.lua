-- keep-main-path: nothing after the first correct attempt but the
-- conclusion; no more text than drop-incorrect leaves.
local T = loadfile((...) .. "/tests/lua/lib.lua")(...)
local check = loadfile(T.src .. "/tests/lua/prune-check.lua")(...)

check("keep-main-path", {}, function(t, g, o)
	if o == nil then return end
	local d = T.step("drop-incorrect", {}, t)[1]
	if d then T.ok(#o.thinking <= #d.thinking, "main path is no longer than drop-incorrect") end
end)

-- drop-incorrect: no incorrect side attempt is left off the main path.
local T = loadfile((...) .. "/tests/lua/lib.lua")(...)
local check = loadfile(T.src .. "/tests/lua/prune-check.lua")(...)

check("drop-incorrect", {}, function(t, g, o)
	local correct = false
	for _, s in ipairs(g.solutions) do if s.label == "correct" then correct = true end end
	if g.has_reference and not correct then T.eq(o, nil, "no correct attempt: skipped") end
end)
local wh = require "whittle"
local t = wh.trace { question = "q", thinking = "We get 5." }
T.eq(#T.step("drop-incorrect", {}, t), 1, "no reference: passed through")

-- filter: the expression sees labels, fields and token counts.
local T = loadfile((...) .. "/tests/lua/lib.lua")(...)
local wh = require "whittle"

for _, t in ipairs(T.demo()) do
	local n = t:tokens().thinking
	T.eq(#T.step("filter", { expr = "tokens.thinking < 1000" }, t), n < 1000 and 1 or 0, "tokens")
	T.eq(#T.step("filter", { expr = "index % 2 == 0" }, t), t.index % 2 == 0 and 1 or 0, "index")
	local v = T.step("verify", {}, t)[1]
	T.eq(#T.step("filter", { expr = "correct == true and chars.thinking > 10" }, v),
		(v.labels.correct == true and #v.thinking > 10) and 1 or 0, "labels")
end
local ok, err = pcall(T.step, "filter", { expr = "1 +" }, wh.trace { thinking = "" })
T.ok(not ok and err:match("^filter expression:1: "), "syntax error named: " .. tostring(err))
ok, err = pcall(T.step, "filter", { expr = "nosuch < 1" }, wh.trace { thinking = "" })
T.ok(not ok and err:match("^filter expression:1: attempt to compare"), "runtime error named: " .. tostring(err))

-- thinkfree: the output has an empty think block and the answer as target;
-- a trace cut off before its answer is dropped.
local T = loadfile((...) .. "/tests/lua/lib.lua")(...)

for _, t in ipairs(T.demo()) do
	local out = T.step("thinkfree", {}, t)
	if t.answer and t.answer:match("%S") then
		T.eq(#out, 1, "one output")
		T.eq(out[1].thinking, "", "thinking emptied")
		T.eq(out[1].target, "<think>\n\n</think>\n\n" .. t.answer, "target")
		T.eq(out[1].labels.thinkfree, true, "label")
	else
		T.eq(#out, 0, "no answer, dropped")
	end
end
local truncated = require("whittle").trace { question = "q", thinking = "half a thou" }
T.eq(#T.step("thinkfree", {}, truncated), 0, "truncated trace dropped")

-- The synthetic tasks (lua/whittle/tasks/): the same seed gives the same
-- records, gold answers are the true results, the traces have the teacher
-- habits the DLCoT steps remove, and whittle reads them as chat traces.
local T = loadfile((...) .. "/tests/lua/lib.lua")(...)
local wh = require "whittle"
local multiply = require "whittle.tasks.multiply"
local arith = require "whittle.tasks.arith"
local add = require "whittle.tasks.add"

local function encode_all(records)
	local out = {}
	for i, r in ipairs(records) do out[i] = wh.json.encode(r) end
	return table.concat(out, "\n")
end

-- The records as whittle reads them: written to a file and opened, so the
-- layout is the one whittle detects.
local function traces(records)
	local path = os.tmpname()
	local f = assert(io.open(path, "w"))
	f:write(encode_all(records), "\n")
	f:close()
	local ds = assert(wh.open(path))
	local out = {}
	for _, t in ds:traces() do out[#out + 1] = t end
	ds:close()
	os.remove(path)
	return out
end

-- Common checks: determinism, distinct questions, answers whittle finds
-- equal to gold, and the habits: a wrong attempt then "Wait" that the
-- segmenter labels wrong, a redundant re-check, a restatement, \boxed{}.
local function check_task(t, given, result_of)
	local a, b = t.generate(given), t.generate(given)
	T.eq(#a, given.n, t.name .. ": n records")
	T.eq(encode_all(a), encode_all(b), t.name .. ": same seed, same records")
	local other = {}
	for k, v in pairs(given) do other[k] = v end
	other.seed = given.seed + 1
	T.ok(encode_all(t.generate(other)) ~= encode_all(a), t.name .. ": another seed, other records")
	local seen, wrong, recheck = {}, 0, 0
	for i, tr in ipairs(traces(a)) do
		local what = ("%s record %d"):format(t.name, i)
		T.ok(not seen[tr.question], what .. ": questions are distinct")
		seen[tr.question] = true
		T.eq(tr.gold, tostring(result_of(tr.question)), what .. ": gold is the true result")
		T.eq(a[i].gold, tr.gold, what .. ": gold field")
		T.eq(wh.answer.of_trace(tr), tr.gold, what .. ": the final answer found")
		T.ok(tr.answer:find("\\boxed{" .. tr.gold .. "}", 1, true), what .. ": \\boxed{}")
		T.ok(tr.thinking:find("Let's break this down", 1, true), what .. ": restates")
		local g = wh.segment.run(tr)
		T.eq(g.solutions[1].label, "correct", what .. ": the first attempt is right")
		T.ok(g.solutions[1].main, what .. ": and the main path")
		if tr.thinking:find("Wait, that's not right", 1, true) then
			wrong = wrong + 1
			local found = false
			for _, s in ipairs(g.solutions) do
				if not s.main and s.label ~= "correct" then found = true end
			end
			T.ok(found, what .. ": the wrong attempt is an incorrect side attempt")
		end
		if tr.thinking:find("Let me double-check", 1, true) then
			recheck = recheck + 1
			T.ok(g.solutions[#g.solutions].redundant, what .. ": the re-check repeats the first")
		end
	end
	T.ok(wrong > 0 and wrong < given.n, t.name .. ": some traces have a wrong attempt")
	T.ok(recheck > 0 and recheck < given.n, t.name .. ": some traces re-check")
	return a
end

local function product(q)
	local x, y = q:match("^What is (%d+)%*(%d+)%?$")
	return tonumber(x) * tonumber(y)
end

local recs = check_task(multiply, { n = 120, seed = 3 }, product)
T.eq(recs[1].difficulty, 4, "multiply: difficulty is the digits of both factors")
T.eq(recs[1].messages[1].role, "user", "a user turn")
T.ok(recs[1].messages[2].content:find("^<think>\n"), "the assistant's turn opens <think>")
check_task(multiply, { n = 60, seed = 5, digits = 2, by = 2 }, product)
local none = multiply.generate { n = 50, seed = 1, wrong = 0, recheck = 0 }
for _, r in ipairs(none) do
	T.ok(not r.messages[2].content:find("Wait") and not r.messages[2].content:find("double%-check"),
		"wrong=0 recheck=0: no habits")
end

local function sum(q)
	local n = 0
	for x in q:gmatch("%d+") do n = n + tonumber(x) end
	return n
end

local sums = check_task(add, { n = 120, seed = 4 }, sum)
T.eq(sums[1].difficulty, 6, "add: difficulty is terms times digits")
check_task(add, { n = 60, seed = 6, terms = 4, digits = 3 }, sum)

-- An arith question worked out from its own words.
local function total(q)
	local n = tonumber(q:match("^%a+ has (%d+) "))
	for sentence in q:gmatch("Then [^.]*%.") do
		local gain, lose = sentence:match("gets (%d+) more"), sentence:match("gives away (%d+)")
		local k, m = sentence:match("buys (%d+) packs of (%d+)")
		if gain then n = n + tonumber(gain)
		elseif lose then n = n - tonumber(lose)
		else n = n + tonumber(k) * tonumber(m) end
	end
	return n
end

local ar = check_task(arith, { n = 120, seed = 2, steps = 4 }, total)
T.eq(ar[1].difficulty, 4, "arith: difficulty is the number of steps")
local _, changes = ar[1].messages[1].content:gsub("Then ", "")
T.eq(changes, 4, "arith: steps changes")

-- Errors name the problem.
local ok, err = pcall(multiply.generate, { n = 100, digits = 1 })
T.ok(not ok and err:find("too few distinct problems"), "n beyond the distinct problems")
ok, err = pcall(multiply.generate, { size = 3 })
T.ok(not ok and err:find("no parameter size"), "an unknown parameter: " .. tostring(err))

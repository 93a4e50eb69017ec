-- arith: multi-step arithmetic word problems (gains, losses, packs of
-- things), with long teacher-style traces (chat messages with <think>).
local task = require "whittle.tasks.task"

local M = {
	name = "arith",
	summary = "multi-step arithmetic word problems, in long teacher-style traces",
	doc = [[
Someone starts with some things and gains, loses or buys packs of them,
`steps` changes in all; the question is how many they have at the end. The
teacher's thinking restates the problem, works the changes in order (a
pack is a product, then a sum), and with the given probabilities tries
again by totalling the gains and the losses first and slips in one sum
before saying "Wait" (`wrong`), and checks the first result again the same
way (`recheck`); it ends with \boxed{} in the answer.]],
	params = {
		{ name = "steps", type = "integer", default = 3, doc = "changes in a problem" },
		{ name = "max", type = "integer", default = 50, doc = "the largest number a change names" },
		{ name = "wrong", type = "number", default = 0.5,
		  doc = "share of traces with a wrong second attempt, then \"Wait\"" },
		{ name = "recheck", type = "number", default = 0.7,
		  doc = "share of traces that redo the first working to check it" },
	},
}

local NAMES = { "Tom", "Ana", "Ben", "Mia", "Sam", "Lea", "Max", "Eva" }
local THINGS = { "apples", "stamps", "marbles", "cards", "coins", "shells" }

-- The changes of a problem: a start, then steps of { kind, n [, k] } with
-- kind gain, lose or packs (k packs of n); the total never goes below 0.
local function draw_changes(rng, p)
	local start = rng:random(2, p.max)
	local total, changes = start, {}
	for i = 1, p.steps do
		local kind = ({ "gain", "lose", "packs" })[rng:random(3)]
		if kind == "lose" and total < 2 then kind = "gain" end
		local c = { kind = kind }
		if kind == "gain" then
			c.n = rng:random(p.max)
			total = total + c.n
		elseif kind == "lose" then
			c.n = rng:random(math.min(total - 1, p.max))
			total = total - c.n
		else
			c.k, c.n = rng:random(2, 9), rng:random(2, 12)
			total = total + c.k * c.n
		end
		changes[i] = c
	end
	return start, changes, total
end

local function sentence(who, things, c)
	if c.kind == "gain" then return ("Then %s gets %d more."):format(who, c.n) end
	if c.kind == "lose" then return ("Then %s gives away %d."):format(who, c.n) end
	return ("Then %s buys %d packs of %d %s each."):format(who, c.k, c.n, things)
end

-- The working: each change applied in order.
function M.chain(start, changes)
	local out, total = {}, start
	for _, c in ipairs(changes) do
		if c.kind == "gain" then
			out[#out + 1] = ("%d + %d = %d."):format(total, c.n, total + c.n)
			total = total + c.n
		elseif c.kind == "lose" then
			out[#out + 1] = ("%d - %d = %d."):format(total, c.n, total - c.n)
			total = total - c.n
		else
			out[#out + 1] = ("%d * %d = %d. %d + %d = %d."):format(c.k, c.n, c.k * c.n,
				total, c.k * c.n, total + c.k * c.n)
			total = total + c.k * c.n
		end
	end
	return table.concat(out, " "), total
end

-- The other way: all gains, all losses, then start + gains - losses, with
-- one of the three sums off by one or two.
local function other_way(rng, start, changes)
	local gains, losses = {}, {}
	for _, c in ipairs(changes) do
		if c.kind == "lose" then losses[#losses + 1] = c.n
		else gains[#gains + 1] = c.kind == "packs" and c.k * c.n or c.n end
	end
	local function sum(list)
		local s = 0
		for _, n in ipairs(list) do s = s + n end
		return s
	end
	local g, l = sum(gains), sum(losses)
	local slip = rng:random(3)
	local off = rng:random(2) * (rng:random(2) == 1 and -1 or 1)
	if slip == 1 then g = g + off elseif slip == 2 then l = l + off end
	local total = start + g - l
	if slip == 3 then total = total + off end
	local parts = {}
	if #gains > 0 then
		parts[#parts + 1] = ("gains %s = %d."):format(table.concat(gains, " + "), g)
	end
	if #losses > 0 then
		parts[#parts + 1] = ("losses %s = %d."):format(table.concat(losses, " + "), l)
	end
	parts[#parts + 1] = ("%d + %d - %d = %d."):format(start, g, l, total)
	return table.concat(parts, " "), total
end

-- A problem drawn by rng: its question (which tells problems apart) and
-- its trace.
function M.draw(rng, p)
	local who, things = NAMES[rng:random(#NAMES)], THINGS[rng:random(#THINGS)]
	local start, changes, total = draw_changes(rng, p)
	local q = { ("%s has %d %s."):format(who, start, things) }
	for _, c in ipairs(changes) do q[#q + 1] = sentence(who, things, c) end
	q[#q + 1] = ("How many %s does %s have now?"):format(things, who)
	local chain = M.chain(start, changes)
	local result = ("So %s has %d %s."):format(who, total, things)
	local think = {
		("Okay, so %s starts with %d %s, and there are %d changes. " ..
			"Let's break this down and apply them in order."):format(who, start, things, p.steps),
		chain .. " " .. result,
	}
	if rng:random() < p.wrong then
		local other, wrong = other_way(rng, start, changes)
		think[#think + 1] = ("Alternatively, total the gains and the losses first: %s " ..
			"So %s has %d %s. Wait, that's not right: it does not match %d. I made an " ..
			"error there, so I keep the first result."):format(other, who, wrong, things, total)
	end
	if rng:random() < p.recheck then
		think[#think + 1] = ("Let me double-check: %s %s That checks out."):format(chain, result)
	end
	think[#think + 1] = ("So the answer is %d."):format(total)
	return table.concat(q, " "), {
		question = table.concat(q, " "),
		thinking = table.concat(think, "\n\n"),
		answer = ("%s has \\boxed{%d} %s."):format(who, total, things),
		gold = tostring(total),
		difficulty = p.steps,
	}
end

return task.define(M, ...)

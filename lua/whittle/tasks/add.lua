-- add: the sum of several multi-digit numbers, column by column with
-- carries, in long teacher-style traces (chat messages with <think>).
local task = require "whittle.tasks.task"

local M = {
	name = "add",
	summary = "a sum of several numbers, column by column, in long teacher-style traces",
	doc = [[
The sum of `terms` numbers of `digits` digits, worked as a student does on
paper: the digits of each column from the units with the carry. The
teacher's thinking restates the problem, works the columns, and with the
given probabilities adds the numbers in pairs instead and slips in one sum
before saying "Wait" (`wrong`), and checks the first result again the
same way (`recheck`); it ends with \boxed{} in the answer.]],
	params = {
		{ name = "terms", type = "integer", default = 3, doc = "numbers to add" },
		{ name = "digits", type = "integer", default = 2, doc = "digits of each number" },
		{ name = "wrong", type = "number", default = 0.5,
		  doc = "share of traces with a wrong second attempt, then \"Wait\"" },
		{ name = "recheck", type = "number", default = 0.7,
		  doc = "share of traces that redo the first working to check it" },
	},
}

-- Digit k of n (1: the units).
local function digit(n, k)
	for _ = 2, k do n = n // 10 end
	return n % 10
end

-- The working: each column's digits and carry, from the units; the last
-- column writes its whole sum. Also the total.
function M.chain(nums, digits)
	local out, carry, total = {}, 0, 0
	for _, n in ipairs(nums) do total = total + n end
	for k = 1, digits do
		local parts, sum = {}, carry
		if k > 1 then parts[1] = tostring(carry) end
		for _, n in ipairs(nums) do
			parts[#parts + 1] = tostring(digit(n, k))
			sum = sum + digit(n, k)
		end
		local step = ("%s=%d"):format(table.concat(parts, "+"), sum)
		out[#out + 1] = k < digits and ("%s, carry %d."):format(step, sum // 10) or step .. "."
		carry = sum // 10
	end
	return table.concat(out, " "), total
end

-- The other way: the numbers added in pairs, one partial sum off by one
-- or two (and what follows from it); the text and the wrong total.
local function pairwise(nums, rng)
	local slip = rng:random(#nums - 1)
	local out, acc = {}, nums[1]
	for i = 2, #nums do
		local s = acc + nums[i]
		if i - 1 == slip then s = s + rng:random(2) * (rng:random(2) == 1 and -1 or 1) end
		out[#out + 1] = ("%d+%d = %d."):format(acc, nums[i], s)
		acc = s
	end
	return table.concat(out, " "), acc
end

-- A problem drawn by rng: its question (which tells problems apart) and
-- its trace.
function M.draw(rng, p)
	local nums = {}
	local low = 1
	for _ = 2, p.digits do low = low * 10 end
	for i = 1, p.terms do nums[i] = rng:random(low, low * 10 - 1) end
	local sum = table.concat(nums, "+")
	local chain, total = M.chain(nums, p.digits)
	local think = {
		("Okay, so I need %s. Let's break this down by columns."):format(sum),
		("%s So %s = %d."):format(chain, sum, total),
	}
	if p.terms > 1 and rng:random() < p.wrong then
		local other, wrong = pairwise(nums, rng)
		think[#think + 1] = ("Alternatively, %s So %d. Wait, that's not right: it does not match %d.")
			:format(other, wrong, total)
	end
	if rng:random() < p.recheck then
		think[#think + 1] = ("Let me double-check: %s So %s = %d."):format(chain, sum, total)
	end
	think[#think + 1] = ("So the answer is %d."):format(total)
	local question = ("What is %s?"):format(sum)
	return question, {
		question = question,
		thinking = table.concat(think, "\n\n"),
		answer = ("\\boxed{%d}"):format(total),
		gold = tostring(total),
		difficulty = p.terms * p.digits,
	}
end

return task.define(M, ...)

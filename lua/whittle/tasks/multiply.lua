-- multiply: multi-digit multiplication by partial products, with long
-- teacher-style traces (chat messages with <think>) for distillation tests.
local task = require "whittle.tasks.task"

local M = {
	name = "multiply",
	summary = "a * b by partial products, in long teacher-style traces",
	doc = [[
a * b for an a of `digits` digits and a b of `by` digits, solved as the
implicit-CoT papers' students solve it: a times each digit of b, digit by
digit with the carries (the partial products), then for several digits
their sum, shifted by place. The teacher's thinking restates the problem,
works the partial products, and with the given probabilities tries again
by place value and slips in one term before saying "Wait" (`wrong`), and
checks the first result again the same way (`recheck`); it ends with
\boxed{} in the answer.]],
	params = {
		{ name = "digits", type = "integer", default = 3, doc = "digits of the first factor" },
		{ name = "by", type = "integer", default = 1, doc = "digits of the second factor" },
		{ name = "wrong", type = "number", default = 0.5,
		  doc = "share of traces with a wrong second attempt, then \"Wait\"" },
		{ name = "recheck", type = "number", default = 0.7,
		  doc = "share of traces that redo the first working to check it" },
	},
}

-- 10 to the power k, an integer.
local function pow10(k)
	local n = 1
	for _ = 1, k do n = n * 10 end
	return n
end

-- The digits of n, units first.
local function digits_of(n)
	local d = {}
	repeat
		d[#d + 1] = n % 10
		n = n // 10
	until n == 0
	return d
end

-- a * d for one digit d, digit by digit from the units with carries, as
-- sentences; and the product.
local function times_digit(a, d)
	local out, carry, digits = {}, 0, digits_of(a)
	for i, x in ipairs(digits) do
		local v = x * d + carry
		local step = i == 1 and ("%d*%d=%d"):format(x, d, v)
			or ("%d*%d+%d=%d"):format(x, d, carry, v)
		if i < #digits then
			out[#out + 1] = ("%s, carry %d."):format(step, v // 10)
		else
			out[#out + 1] = step .. "."
		end
		carry = v // 10
	end
	return table.concat(out, " "), a * d
end

-- The working of a * b: a times each digit of b, digit by digit (the
-- partial products), then their sum shifted by place; and the product.
function M.chain(a, b)
	local bd = digits_of(b)
	if #bd == 1 then return times_digit(a, b) end
	local out, parts, sum = {}, {}, 0
	for i, d in ipairs(bd) do
		local text, p = times_digit(a, d)
		out[#out + 1] = ("%d*%d: %s So %d."):format(a, d, text, p)
		parts[#parts + 1] = tostring(p * pow10(i - 1))
		sum = sum + p * pow10(i - 1)
	end
	out[#out + 1] = ("%s = %d."):format(table.concat(parts, " + "), sum)
	return table.concat(out, " "), sum
end

-- The other way: a by place value times b, one term off by a multiple of
-- ten; the terms, and the (wrong) sum.
local function other_way(a, b, rng)
	local terms, values, sum = {}, {}, 0
	local ad = digits_of(a)
	local slip = rng:random(#ad)
	for i = #ad, 1, -1 do
		local v = ad[i] * pow10(i - 1) * b
		if i == slip then v = v + (rng:random(2) == 1 and -10 or 10) end
		terms[#terms + 1] = ("%d*%d"):format(ad[i] * pow10(i - 1), b)
		values[#values + 1] = tostring(v)
		sum = sum + v
	end
	return ("%s = %s = %d."):format(table.concat(terms, "+"), table.concat(values, "+"), sum), sum
end

-- The question, thinking and answer of a * b.
function M.trace(a, b, rng, p)
	local chain, product = M.chain(a, b)
	local think = {
		("Okay, so I need %d*%d. Let's break this down digit by digit."):format(a, b),
		("%s So %d*%d = %d."):format(chain, a, b, product),
	}
	if rng:random() < p.wrong then
		local other, wrong = other_way(a, b, rng)
		think[#think + 1] = ("Alternatively, %s So %d. Wait, that's not right: it does not match %d.")
			:format(other, wrong, product)
	end
	if rng:random() < p.recheck then
		think[#think + 1] = ("Let me double-check: %s So %d*%d = %d."):format(chain, a, b, product)
	end
	think[#think + 1] = ("So the answer is %d."):format(product)
	return {
		question = ("What is %d*%d?"):format(a, b),
		thinking = table.concat(think, "\n\n"),
		answer = ("\\boxed{%d}"):format(product),
		gold = tostring(product),
		difficulty = p.digits + p.by,
	}
end

-- A problem drawn by rng: a key that tells problems apart, and the trace.
function M.draw(rng, p)
	local a = rng:random(pow10(p.digits - 1), pow10(p.digits) - 1)
	local b = rng:random(math.max(2, pow10(p.by - 1)), pow10(p.by) - 1)
	return a .. "*" .. b, M.trace(a, b, rng, p)
end

return task.define(M, ...)

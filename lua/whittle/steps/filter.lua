-- filter: keep the traces for which a Lua expression is true.
local wh = require "whittle"

-- The expression compiled once per state, as a function of its names.
local function compile(expr, cache)
	local f = cache[expr]
	if f then return f end
	-- Named so that its errors read "filter expression:1: ...".
	local chunk, err = load("local _ENV = ...; return (" .. expr .. ")",
		"=filter expression", "t", {})
	if not chunk then error(err, 0) end
	cache[expr] = chunk
	return chunk
end

-- The names an expression sees: the trace's labels and fields, tokens
-- (counted on first use), chars, t itself, and math and string.
local function names(t)
	local labels = t.labels or {}
	return setmetatable({}, { __index = function(_, k)
		if k == "tokens" then return t:tokens() end
		if k == "chars" then
			return { question = #(t.question or ""), thinking = #(t.thinking or ""),
				answer = #(t.answer or "") }
		end
		if k == "t" then return t end
		if k == "math" then return math end
		if k == "string" then return string end
		if k == "wh" then return wh end
		local v = labels[k]
		if v ~= nil then return v end
		return t[k]
	end })
end

return {
	name = "filter",
	summary = "keep traces matching a Lua expression (tokens.thinking < 8000 and correct)",
	doc = [[
The expression sees the trace's labels by name (correct, difficulty, ...),
its fields (question, thinking, answer, gold, index, truncated, record),
`tokens` (question, thinking, answer and total token counts; needs
--tokenizer), `chars` (byte lengths), `t` itself, math and string. Example:
  whittle step filter 'expr=tokens.thinking < 8000 and correct' IN -o OUT]],
	params = {
		{ name = "expr", type = "string", default = "true", raw = true,
		  doc = "a Lua expression; the trace is kept when it is true" },
	},
	run = function(t, p, ctx)
		ctx.cache.filter = ctx.cache.filter or {}
		if compile(p.expr, ctx.cache.filter)(names(t)) then return t end
		return nil
	end,
}

-- What the synthetic tasks share: parameters from key=value arguments,
-- distinct seeded problems written as chat records with <think>, and the
-- command line of `whittle lua lua/whittle/tasks/NAME.lua`.
local wh = require "whittle"

local M = {}

local COMMON = {
	{ name = "n", type = "integer", default = 1000, doc = "problems (all distinct)" },
	{ name = "seed", type = "integer", default = 1, doc = "the same seed gives the same bytes" },
}

local function convert(param, text)
	if param.type == "integer" then return math.tointeger(tonumber(text)) end
	if param.type == "number" then return tonumber(text) end
	if param.type == "boolean" then
		if text == "true" then return true elseif text == "false" then return false end
		return nil
	end
	return text
end

-- The parameters of task t: its own and the common ones, from a table of
-- values (or key=value texts), with defaults filled in; an error names a
-- key the task does not have.
function M.params(t, given)
	local p, known = {}, {}
	for _, list in ipairs { COMMON, t.params } do
		for _, param in ipairs(list) do
			known[param.name] = param
			p[param.name] = param.default
		end
	end
	for k, v in pairs(given or {}) do
		local param = known[k]
		if not param then
			local names = {}
			for name in pairs(known) do names[#names + 1] = name end
			table.sort(names)
			error(("%s: no parameter %s (it has %s)"):format(t.name, k, table.concat(names, ", ")), 0)
		end
		if type(v) == "string" and param.type ~= "string" then
			local c = convert(param, v)
			if c == nil then error(("%s: %s is a %s, not %s"):format(t.name, k, param.type, v), 0) end
			v = c
		end
		p[k] = v
	end
	return p
end

-- The chat record of a trace: the question as the user's turn, the
-- thinking in <think> and the answer as the assistant's, and the gold.
function M.record(t, id, tr)
	return {
		id = id,
		source = "whittle/tasks/" .. t.name,
		messages = {
			{ role = "user", content = tr.question },
			{ role = "assistant", content = "<think>\n" .. tr.thinking .. "\n</think>\n\n" .. tr.answer },
		},
		gold = tr.gold,
		difficulty = tr.difficulty,
	}
end

-- p.n records of distinct problems drawn with seed p.seed; an error when
-- the task has fewer distinct problems than that.
function M.generate(t, given)
	local p = M.params(t, given)
	local rng, seen, out = wh.rng(p.seed), {}, {}
	local tries = 0
	while #out < p.n do
		local key, tr = t.draw(rng, p)
		tries = tries + 1
		if not seen[key] then
			seen[key] = true
			out[#out + 1] = M.record(t, ("%s-%d-%06d"):format(t.name, p.seed, #out + 1), tr)
			tries = 0
		elseif tries > 1000 then
			error(("%s: too few distinct problems for n=%d"):format(t.name, p.n), 0)
		end
	end
	return out
end

-- Write records as JSON lines to path ("-": standard output).
function M.write(records, path)
	local f = path == "-" and io.stdout or assert(io.open(path, "w"))
	for _, r in ipairs(records) do f:write(wh.json.encode(r), "\n") end
	if f ~= io.stdout then f:close() end
end

-- whittle lua lua/whittle/tasks/NAME.lua [KEY=VALUE]... [-o FILE]
function M.main(t, args)
	local given, out = {}, "-"
	local i = 1
	while i <= #args do
		local a = args[i]
		if a == "-o" then
			out = args[i + 1] or error(t.name .. ": -o needs a file", 0)
			i = i + 1
		else
			local k, v = a:match("^([%w_]+)=(.*)$")
			if not k then error(("%s: arguments are KEY=VALUE or -o FILE, not %s"):format(t.name, a), 0) end
			given[k] = v
		end
		i = i + 1
	end
	M.write(M.generate(t, given), out)
end

-- Finish a task module: t.generate(given) makes its records; run as a
-- script (not required), the file is the task's command line.
function M.define(t, modname, ...)
	t.generate = function(given) return M.generate(t, given) end
	if modname ~= "whittle.tasks." .. t.name then M.main(t, { modname, ... }) end
	return t
end

return M

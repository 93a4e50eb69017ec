-- The host side of whittle's Lua: the step registry, the sandbox that step
-- and pipeline files run in, pipelines, and applying them to one trace.
-- Loaded by the C binding (src/script/script.c) with its config table.
local config = ...
local wh = require "whittle"

local H = {}

---------------------------------------------------------------------------
-- The sandbox: safe globals, read-only library tables, no io, no os.execute,
-- no package.loadlib, no load of binary chunks, no math.random (use the
-- record's ctx.rng so runs are reproducible).

local function readonly(t, name)
	return setmetatable({}, {
		__index = t,
		__newindex = function() error(name .. " is read-only", 2) end,
		__metatable = false,
	})
end

local function not_reproducible()
	error("math.random is not reproducible: use ctx.rng (or wh.rng(seed))", 2)
end

local SAFE = { "assert", "error", "ipairs", "next", "pairs", "pcall", "select",
	"tonumber", "tostring", "type", "xpcall", "rawequal", "rawget", "rawlen",
	"setmetatable", "getmetatable", "_VERSION" }

local base = {}
for _, k in ipairs(SAFE) do base[k] = _G[k] end
for _, k in ipairs({ "string", "table", "utf8", "coroutine" }) do
	base[k] = readonly(_G[k], k)
end
local safe_math = {}
for k, v in pairs(math) do safe_math[k] = v end
safe_math.random, safe_math.randomseed = not_reproducible, not_reproducible
base.math = readonly(safe_math, "math")
base.os = readonly({ time = os.time, clock = os.clock, date = os.date,
	difftime = os.difftime }, "os")
base.print = function(...)
	local parts = table.pack(...)
	for i = 1, parts.n do parts[i] = tostring(parts[i]) end
	wh.log.info("%s", table.concat(parts, "\t"))
end
local new_env
base.load = function(chunk, name, _, env)
	return load(chunk, name, "t", env or new_env())
end

local module = readonly(wh, "whittle")
local function sandbox_require(name)
	if name == "whittle" then return module end
	if type(name) == "string" and name:match("^whittle%.lib%.[%w_%-]+$") then
		return require(name)
	end
	error("require '" .. tostring(name) ..
		"': only 'whittle' and 'whittle.lib.*' in the sandbox (run with --trust)", 2)
end
base.require = sandbox_require
base = readonly(base, "the global environment")
if not config.trust then
	getmetatable("").__metatable = false
end

function new_env()
	if config.trust then
		return setmetatable({}, { __index = _G })
	end
	return setmetatable({}, { __index = base, __metatable = false })
end

-- Run the Lua file at path in a fresh environment; returns what it returns.
local function run_file(path)
	local chunk, err = loadfile(path, "t", new_env())
	if not chunk then error(err, 0) end
	return chunk()
end

---------------------------------------------------------------------------
-- Steps: lua/whittle/steps/*.lua (shipped) and the user's folder, which
-- overrides a shipped step of the same name.

local TYPES = { number = true, integer = true, string = true, boolean = true,
	list = true }

local function check_step(step, file)
	local function bad(msg) error(file .. ": " .. msg, 0) end
	if type(step) ~= "table" then
		bad("a step file returns a table (name, summary, params, run); this one returned a " .. type(step))
	end
	if type(step.name) ~= "string" then bad("the step has no name") end
	if type(step.summary) ~= "string" then bad("step " .. step.name .. " has no summary") end
	if type(step.run) ~= "function" then bad("step " .. step.name .. " has no run function") end
	if step.check ~= nil and type(step.check) ~= "function" then
		bad("step " .. step.name .. ": check is not a function")
	end
	step.params = step.params or {}
	for i, p in ipairs(step.params) do
		if type(p.name) ~= "string" then bad("parameter " .. i .. " has no name") end
		if not TYPES[p.type] then
			bad("parameter " .. p.name .. " has type " .. tostring(p.type) ..
				" (give number, integer, string, boolean or list)")
		end
		if type(p.doc) ~= "string" then bad("parameter " .. p.name .. " has no doc") end
	end
	step.file = file
	return step
end

-- A step file that cannot be loaded (a syntax error, a bad table) is kept
-- out of the registry and its message kept in broken, under the file's
-- name less .lua: using that step gives the message, the others still run.
-- A broken file of the user's hides the shipped step of its name.
local registry, broken
local function load_registry()
	if registry then return registry end
	registry, broken = {}, {}
	local dirs = { config.shipped .. "/steps" }
	if config.user then dirs[2] = config.user end
	for d, dir in ipairs(dirs) do
		for _, name in ipairs(config.listdir(dir)) do
			local file = dir .. "/" .. name
			local ok, step = pcall(function() return check_step(run_file(file), file) end)
			local key = name:gsub("%.lua$", "")
			if ok then
				local shipped = registry[step.name]
				step.user = d == 2
				step.replaces = step.user and shipped and not shipped.user and
					shipped.file or nil
				registry[step.name] = step
				broken[step.name] = nil
			else
				broken[#broken + 1] = tostring(step)
				broken[key] = tostring(step)
				registry[key] = nil
			end
		end
	end
	return registry
end

local function show_default(p)
	if type(p.default) == "table" then return table.concat(p.default, ",") end
	if p.default == nil then return nil end
	return (tostring(p.default):gsub("\\", "\\\\"):gsub("\n", "\\n"):gsub("\t", "\\t"))
end

-- Every step, sorted by name, as plain tables for the C side.
function H.list()
	local out = {}
	for _, s in pairs(load_registry()) do
		local params = {}
		for i, p in ipairs(s.params) do
			params[i] = { name = p.name, type = p.type, doc = p.doc,
				default = p.required and "(required)" or show_default(p) }
		end
		out[#out + 1] = { name = s.name, summary = s.summary, doc = s.doc,
			file = s.file, user = s.user, replaces = s.replaces, params = params }
	end
	table.sort(out, function(a, b) return a.name < b.name end)
	return out
end

-- The messages of the step files that could not be loaded, a line each,
-- or nil.
function H.broken()
	load_registry()
	return #broken > 0 and table.concat(broken, "\n") or nil
end

---------------------------------------------------------------------------
-- Parameters: values from a pipeline file (Lua values) or the command line
-- (text) checked and converted to the declared type.

-- A string typed on a command line with \n, \t and \\ read as a newline, a
-- tab and a backslash (as whittle steps shows defaults); any other
-- backslash stays.
local ESCAPES = { n = "\n", t = "\t", ["\\"] = "\\" }
local function unescape(s)
	return (s:gsub("\\(.)", function(c) return ESCAPES[c] or "\\" .. c end))
end

-- v converted to the type of parameter p; text says it was typed on a
-- command line, where a string parameter's escapes are read unless it
-- declares raw (a Lua expression, whose strings Lua reads itself).
local function convert(step, p, v, text)
	local function bad(what)
		error(("step %s: parameter %s: %s"):format(step.name, p.name, what), 0)
	end
	local t = p.type
	if t == "number" or t == "integer" then
		local n = tonumber(v)
		if n == nil then bad("'" .. tostring(v) .. "' is not a number") end
		if t == "integer" then
			n = math.tointeger(n)
			if n == nil then bad("'" .. tostring(v) .. "' is not an integer") end
		end
		return n
	elseif t == "boolean" then
		if v == true or v == "true" or v == "yes" or v == "1" then return true end
		if v == false or v == "false" or v == "no" or v == "0" then return false end
		bad("'" .. tostring(v) .. "' is not true or false")
	elseif t == "list" then
		if type(v) == "table" then return v end
		local out = {}
		for item in tostring(v):gmatch("[^,]+") do
			out[#out + 1] = tonumber(item) or item
		end
		return out
	end
	if type(v) ~= "string" then bad("give a string") end
	if text and not p.raw then v = unescape(v) end
	return v
end

-- The step's own check of its parameters, once, before any record: a
-- value it cannot use is an error naming the step. It gets what it may
-- want of the run: tokenizer, the --tokenizer path (or nil).
local function check_params(step, params)
	if not step.check then return end
	local ok, err = pcall(step.check, params, { tokenizer = config.tokenizer })
	if not ok then error(("step %s: %s"):format(step.name, tostring(err)), 0) end
end

local function resolve(given, step, text)
	local params, known = {}, {}
	for _, p in ipairs(step.params) do
		known[p.name] = true
		local v = given[p.name]
		if v == nil then v = p.default end
		if v == nil and p.required then
			error(("step %s needs %s=%s (%s)"):format(step.name, p.name,
				p.type == "string" and "..." or p.type, p.doc), 0)
		end
		if v ~= nil then
			params[p.name] = convert(step, p, v, text and given[p.name] ~= nil)
		end
	end
	for k in pairs(given) do
		if type(k) == "string" and not known[k] then
			local names = {}
			for _, p in ipairs(step.params) do names[#names + 1] = p.name end
			error(("step %s has no parameter %s (it has: %s)"):format(step.name, k,
				#names > 0 and table.concat(names, ", ") or "none"), 0)
		end
	end
	return params
end

-- The step whose name is closest to name, within two edits, or nil (the
-- first in name order of the closest: config.nearest, whittle's own
-- suggestion for commands).
local function nearest(name)
	local names = {}
	for other in pairs(registry) do names[#names + 1] = other end
	table.sort(names)
	return config.nearest(name, names)
end

-- Step files named by path (a name with a /), loaded once each.
local step_files = {}

-- The step called name, or, for a name with a / in it, the step in that
-- file: relative to the folder base when given (a pipeline file's),
-- else to the current folder.
local function find_step(name, base)
	if type(name) == "string" and name:find("/", 1, true) then
		local file = name
		if base and name:sub(1, 1) ~= "/" then
			file = base .. "/" .. name:gsub("^%./+", "")
		end
		if not step_files[file] then
			step_files[file] = check_step(run_file(file), file)
		end
		return step_files[file]
	end
	local step = load_registry()[name]
	if step then return step end
	if broken[name] then error(broken[name], 0) end
	if type(name) == "string" and name:match("%.lua$") then
		error("no step named '" .. name .. "' (a step file is named by a path with a /: ./" ..
			name .. ")", 0)
	end
	local near = type(name) == "string" and nearest(name)
	local also = #broken == 0 and "" or
		("; %d step file(s) could not be loaded, the first: %s"):format(#broken, broken[1])
	error("no step named '" .. tostring(name) .. "'" ..
		(near and (" (did you mean " .. near .. "? whittle steps lists them)")
			or " (whittle steps lists them)") .. also, 0)
end

---------------------------------------------------------------------------
-- Pipelines. A pipeline file returns { name = ..., steps = { {"verify"},
-- {"prune-redundant", variant = "all"}, ... } } (or just the list of steps).

local pipeline
-- How many traces each step of the pipeline got, gave and dropped (gave
-- none for) over this state's records, for a dry run to report.
local counts = {}
local function basename(path)
	return (path:gsub("^.*/", ""):gsub("%.lua$", ""))
end

local function make_pipeline(path, name, args)
	local spec
	if path then
		spec = run_file(path)
		if type(spec) ~= "table" then
			error(path .. ": a pipeline file returns a table of steps", 0)
		end
		if spec.steps == nil then spec = { steps = spec } end
		spec.name = spec.name or basename(path)
	else
		local given = {}
		for _, a in ipairs(args) do
			local k, v = a:match("^([%w_%-]+)=(.*)$")
			if not k then error("'" .. a .. "': give parameters as key=value", 0) end
			given[k] = v
		end
		spec = { steps = { given }, name = name }
		given[1] = name
	end
	pipeline = {}
	local prov = {}
	for i, entry in ipairs(spec.steps) do
		if type(entry) == "string" then entry = { entry } end
		local step = find_step(entry[1], path and (path:match("^(.*)/[^/]*$") or "."))
		local given = {}
		for k, v in pairs(entry) do if k ~= 1 then given[k] = v end end
		local params = resolve(given, step, path == nil)
		check_params(step, params)
		pipeline[i] = { step = step, params = params }
		prov[i] = { name = step.name, params = params }
	end
	if #pipeline == 0 then error("the pipeline has no steps", 0) end
	if not path then spec.name = pipeline[1].step.name end
	counts = {}
	for i, p in ipairs(pipeline) do
		counts[i] = { name = p.step.name, got = 0, gave = 0, dropped = 0 }
	end
	return { pipeline = spec.name, steps = prov, seed = config.seed,
		tokenizer = config.tokenizer and basename(config.tokenizer) or nil,
		version = wh.version }
end

-- The pipeline in the file at path, or the step name with args "k=v";
-- returns its provenance. A problem with a step names the pipeline file.
function H.pipeline(path, name, args)
	if not path then return make_pipeline(path, name, args) end
	local ok, r = pcall(make_pipeline, path, name, args)
	if ok then return r end
	r = tostring(r)
	if r:sub(1, #path) ~= path and not r:match("^[^:]+%.lua:%d+:") then
		r = path .. ": " .. r
	end
	error(r, 0)
end

---------------------------------------------------------------------------
-- Applying the pipeline to one trace: each step gets each trace the steps
-- before it gave and returns a trace, nil (drop) or a list (split).

local trace_mt = getmetatable(wh.trace({}))

local function results(r, step)
	if r == nil then return {} end
	if type(r) ~= "table" then
		error(("%s: step %s returned a %s; a step returns a trace, nil or a list of traces")
			:format(step.file, step.name, type(r)), 0)
	end
	if getmetatable(r) == trace_mt then return { r } end
	-- a plain table is a trace, unless empty: a split into no pieces
	if r[1] == nil then
		return next(r) == nil and {} or { setmetatable(r, trace_mt) }
	end
	for i, t in ipairs(r) do
		if type(t) ~= "table" then
			error(("%s: step %s returned a list whose item %d is a %s, not a trace")
				:format(step.file, step.name, i, type(t)), 0)
		end
		setmetatable(t, trace_mt)
	end
	return r
end

local ctx = { seed = config.seed, cache = {} }

function H.apply(t, rng)
	ctx.rng = rng
	if ctx.input == nil then ctx.input = wh.input() end
	local cur = { t }
	for i, s in ipairs(pipeline) do
		local nxt, c = {}, counts[i]
		c.got = c.got + #cur
		for _, x in ipairs(cur) do
			local r = results(s.step.run(x, s.params, ctx), s.step)
			if #r == 0 then c.dropped = c.dropped + 1 end
			for _, y in ipairs(r) do nxt[#nxt + 1] = y end
		end
		c.gave = c.gave + #nxt
		cur = nxt
		if #cur == 0 then break end
	end
	return cur
end

-- For a record whose traces could not be written as JSON: run the steps
-- on t again (rng as apply had it), writing each one's traces (only their
-- labels with labels_only, as a sidecar run writes them), and name the
-- first step that gave one that cannot be written ("FILE: step NAME"),
-- or nil. The counts stay as apply left them.
function H.blame(t, rng, labels_only)
	local saved = {}
	for i, c in ipairs(counts) do
		saved[i] = { got = c.got, gave = c.gave, dropped = c.dropped }
	end
	ctx.rng = rng
	local cur, found = { t }, nil
	for _, s in ipairs(pipeline) do
		local nxt = {}
		for _, x in ipairs(cur) do
			local ok, r = pcall(s.step.run, x, s.params, ctx)
			if not ok then break end
			for _, y in ipairs(results(r, s.step)) do nxt[#nxt + 1] = y end
		end
		for _, y in ipairs(nxt) do
			local v = labels_only and y.labels or y
			if v ~= nil and not pcall(wh.json.encode, v) then
				found = ("%s: step %s"):format(s.step.file, s.step.name)
				break
			end
		end
		if found or #nxt == 0 then break end
		cur = nxt
	end
	for i, c in ipairs(saved) do
		counts[i].got, counts[i].gave, counts[i].dropped = c.got, c.gave, c.dropped
	end
	return found
end

-- The counts of each step so far: { {name, got, gave, dropped}, ... }.
function H.counts()
	return counts
end

-- For the Lua tests: the step called name, to call as step.run(t, params).
function H.step(name, given)
	local step = find_step(name)
	local params = resolve(given or {}, step)
	check_params(step, params)
	return step, params
end

package.loaded["whittle.host"] = H
return H

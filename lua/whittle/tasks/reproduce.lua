-- Reproduce a distillation result with nothing but whittle: a synthetic
-- task's teacher traces, curated three ways, three students trained from
-- scratch in the engine, graded on held-out problems, and a table.
--
--   whittle lua lua/whittle/tasks/reproduce.lua [KEY=VALUE]...
--
-- Keys: task (add, multiply or arith), n (training problems), held
-- (held-out problems), the task's own parameters (terms, digits, by, steps,
-- max, wrong, recheck), train_steps, batch, lr, warmup, layers, hidden,
-- heads, kv_heads, intermediate, threads, seed, max_new, dir (where the
-- work goes), and quick=true (a tiny run that checks the plumbing). See
-- whittle-train(7).
local wh = require "whittle"
local task = require "whittle.tasks.task"

local DEFAULTS = {
	task = "add", n = 2000, held = 200, seed = 1, dir = "whittle-reproduce",
	train_steps = 6000, batch = 4, lr = 3e-3, warmup = 30,
	layers = 2, hidden = 64, heads = 4, kv_heads = 2, intermediate = 176,
	threads = 1, max_new = 400, quick = false,
}
local QUICK = { n = 40, held = 8, train_steps = 3, batch = 2, max_new = 16 }
local TRAIN_KEYS = { "batch", "lr", "warmup", "layers", "hidden", "heads",
	"kv_heads", "intermediate", "seed", "threads" }

-- The options: DEFAULTS, then QUICK when quick=true, then the arguments;
-- keys the script does not know go to the task.
local function options(args)
	local o, task_args = {}, {}
	for k, v in pairs(DEFAULTS) do o[k] = v end
	local given = {}
	for _, a in ipairs(args) do
		local k, v = a:match("^([%w_]+)=(.*)$")
		if not k then error("reproduce: arguments are KEY=VALUE, not " .. a, 0) end
		given[k] = v
	end
	if given.quick == "true" then
		for k, v in pairs(QUICK) do o[k] = v end
	end
	for k, v in pairs(given) do
		if DEFAULTS[k] == nil then
			task_args[k] = v
		elseif type(DEFAULTS[k]) == "number" then
			o[k] = tonumber(v) or error(("reproduce: %s is a number, not %s"):format(k, v), 0)
		elseif type(DEFAULTS[k]) == "boolean" then
			o[k] = v == "true"
		else
			o[k] = v
		end
	end
	return o, task_args
end

local function write_jsonl(path, rows)
	local f = assert(io.open(path, "w"))
	for _, r in ipairs(rows) do f:write(wh.json.encode(r), "\n") end
	f:close()
end

local function load_average()
	local f = io.open("/proc/loadavg")
	if not f then return "unknown" end
	local l = f:read("l")
	f:close()
	return l:match("^(%S+ %S+ %S+)")
end

-- Run a builtin job (whittle run or step) and wait for it; an error with
-- its log when it fails.
local function job(...)
	local h = wh.job { backend = "builtin", ... }
	if h:wait() ~= "done" then error("reproduce: " .. table.concat({ ... }, " ") .. ":\n" .. h:log(), 0) end
end

-- The prompt/completion lines a student trains on, from the traces of a
-- dataset file (map: its --map, if any); make(t) is the completion. Also
-- the mean completion length and the longest document (prompt, completion
-- and the end token), in bytes.
local function sft(path, map, out, make)
	local ds = assert(wh.open(path, { map = map }))
	local rows, bytes, longest = {}, 0, 0
	for _, t in ds:traces() do
		local c = make(t)
		rows[#rows + 1] = { prompt = t.question .. "\n\n", completion = c }
		bytes = bytes + #c
		longest = math.max(longest, #t.question + 2 + #c + 1)
	end
	ds:close()
	write_jsonl(out, rows)
	return #rows, #rows > 0 and bytes / #rows or 0, longest
end

local function long_trace(t)
	return "<think>\n" .. t.thinking .. "\n</think>\n\n" .. t.answer
end

local o, task_args = options({ ... })
local gen = require("whittle.tasks." .. o.task)
local dir = o.dir
local started, load_before = os.time(), load_average()
assert(os.execute(("mkdir -p '%s'"):format(dir)))

-- The problems: the first `held` are the held-out ones (never trained on).
task_args.n, task_args.seed = o.n + o.held, o.seed
local task_desc = {}
for _, param in ipairs(gen.params) do
	task_desc[#task_desc + 1] = param.name .. "=" .. tostring(task.params(gen, task_args)[param.name])
end
local records = gen.generate(task_args)
local held, teacher = {}, {}
for i, r in ipairs(records) do
	if i <= o.held then held[#held + 1] = r else teacher[#teacher + 1] = r end
end
write_jsonl(dir .. "/held-out.jsonl", held)
write_jsonl(dir .. "/teacher.jsonl", teacher)

-- The three curations: raw traces, DLCoT (whittle's shipped pipeline), and
-- the answer alone (the thinkfree step).
local dlcot = package.searchpath("whittle.pipelines.dlcot", package.path)
job("run", dlcot, dir .. "/teacher.jsonl", "-o", dir .. "/dlcot.jsonl")
job("step", "thinkfree", dir .. "/teacher.jsonl", "-o", dir .. "/thinkfree.jsonl")
local flat = "question=/question,thinking=/thinking,answer=/answer,gold=/gold"
local arms = {
	{ name = "raw", what = "raw teacher traces", file = "teacher.jsonl", make = long_trace },
	{ name = "dlcot", what = "after the DLCoT steps", file = "dlcot.jsonl", map = flat, make = long_trace },
	{ name = "answer", what = "the answer (thinkfree)", file = "thinkfree.jsonl", map = flat,
	  make = function(t) return t.record.target end },
}

-- Three students of one shape, each trained with the same steps and the
-- same batch of rows, a row as long as the arm's longest document (so
-- that every row holds about one problem): each sees the same problems
-- the same number of times in as many optimizer steps; only the text they
-- learn from differs. Then each is graded on the held-out problems.
for _, arm in ipairs(arms) do
	arm.records, arm.bytes, arm.seq = sft(dir .. "/" .. arm.file, arm.map,
		dir .. "/" .. arm.name .. ".sft.jsonl", arm.make)
	arm.seq = (arm.seq + 15) // 16 * 16
	-- The student of an earlier reproduction in this folder gives way:
	-- whittle train starts no fresh run where checkpoints are.
	assert(os.execute(("rm -rf '%s'"):format(dir .. "/" .. arm.name)))
	local opts = { data = dir .. "/" .. arm.name .. ".sft.jsonl", out = dir .. "/" .. arm.name,
		steps = o.train_steps, seq = arm.seq, val_frac = 0, quiet = true,
		name = "reproduce " .. arm.name }
	for _, k in ipairs(TRAIN_KEYS) do opts[k] = o[k] end
	arm.train = wh.train(opts)
	-- Its evaluation waits in the engine for the training to end (wh.eval
	-- of a training job's handle), however many jobs the engine runs.
	arm.eval = wh.eval { checkpoint = arm.train, data = dir .. "/held-out.jsonl",
		max_new = o.max_new, threads = o.threads, name = "reproduce eval " .. arm.name,
		predictions = dir .. "/" .. arm.name .. ".predictions.jsonl" }
end
local function check(h)
	if h:wait() ~= "done" then error("reproduce: run " .. h.id .. " failed:\n" .. h:log(), 0) end
end
for _, arm in ipairs(arms) do
	check(arm.train)
	check(arm.eval)
	local function metric(name) return arm.eval:metrics(name)[1].value end
	arm.accuracy, arm.tokens = metric("accuracy"), metric("tokens_per_question")
end
local seconds = {}
for _, r in ipairs(wh.runs()) do seconds[r.id] = (r.ended or 0) - (r.started or 0) end

print(("task %s (%s): %d training problems, %d held-out, seed %d"):format(o.task,
	table.concat(task_desc, " "), #teacher, #held, o.seed))
print(("students: %d layers, hidden %d, heads %d/%d, intermediate %d, byte vocabulary; " ..
	"%d steps of %d rows, lr %g; %d threads"):format(o.layers, o.hidden, o.heads, o.kv_heads,
	o.intermediate, o.train_steps, o.batch, o.lr, o.threads))
print(("%-7s %-24s %7s %11s %5s %9s %15s %7s %6s"):format("student", "trained on", "records",
	"trace bytes", "seq", "accuracy", "tokens/question", "train s", "eval s"))
for _, arm in ipairs(arms) do
	print(("%-7s %-24s %7d %11.1f %5d %8.1f%% %15.1f %7.0f %6.0f"):format(arm.name, arm.what,
		arm.records, arm.bytes, arm.seq, 100 * arm.accuracy, arm.tokens,
		seconds[arm.train.id], seconds[arm.eval.id]))
end
print(("%d s in all; load average %s before, %s after"):format(os.time() - started,
	load_before, load_average()))

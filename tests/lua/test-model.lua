-- wh.model: a checkpoint loaded, its logits, loss, generation (text and
-- ids, greedy and sampled), evaluation and save. tests/train/byte-sums is a
-- byte-level model that learned six sums, made by
--   whittle train SUMS --out DIR --steps 400 --batch 6 --seq 24 --lr 2e-2
--     --warmup 10 --val-frac 0 -j 1 --hidden 16 --intermediate 32
--     --heads 2 --kv-heads 1 --layers 1
-- from {"prompt": "12+34\n\n", "completion": "\\boxed{46}"} and the like.
local T = loadfile((...) .. "/tests/lua/lib.lua")(...)
local wh = require "whittle"

local dir = T.src .. "/tests/train/byte-sums"
local m = assert(wh.model.load(dir))
local c = m:config()
T.eq(c.vocab, 257, "vocab")
T.eq(c.arch, "llama", "arch")
T.eq(c.max_pos, 24, "positions")
T.eq(c.eos, 256, "eos")
for _, k in ipairs({ "vocab", "hidden", "layers", "heads", "max_pos", "eos", "params" }) do
	T.eq(math.type(c[k]), "integer", k .. " is an integer")
end

-- Text in, text out; ids in, ids out.
local text, ended = m:generate("12+34\n\n")
T.eq(text, "\\boxed{46}", "greedy answer")
T.eq(ended, "eos", "ended by the end token")
T.eq(select(2, m:generate("12+34\n\n", 3)), "length", "max_new as a number")
T.eq(m:generate("12+34\n\n", { stop = "{" }), "\\boxed{", "stop text")
local prompt = { string.byte("25+17\n\n", 1, -1) }
local ids = m:generate(prompt, { max_new = 20 })
T.eq(string.char(table.unpack(ids)), "\\boxed{42}", "ids")

-- Generation is the argmax of the logits, step by step.
local seq = { table.unpack(prompt) }
for _ = 1, 3 do
	local l = m:logits(seq)
	T.eq(#l, #seq, "a row of logits a position")
	T.eq(#l[#l], 257, "a logit an id")
	local best = 1
	for v = 2, #l[#l] do if l[#l][v] > l[#l][best] then best = v end end
	seq[#seq + 1] = best - 1
end
T.eq(string.char(table.unpack(seq, #prompt + 1)), "\\bo", "logits agree with generate")

-- Loss: labels shifted by one, -100 ignored; what the logits give.
local full = { table.unpack(prompt) }
for i = 1, #ids do full[#full + 1] = ids[i] end
local labels = {}
for i = 1, #full do labels[i] = i <= #prompt and -100 or full[i] end
local loss, count = m:loss(full, labels)
T.eq(count, #ids, "loss on the completion only")
local l, sum = m:logits(full), 0
for i = #prompt, #full - 1 do
	local row, max, z = l[i], -math.huge, 0
	for v = 1, #row do max = math.max(max, row[v]) end
	for v = 1, #row do z = z + math.exp(row[v] - max) end
	sum = sum + (max + math.log(z)) - row[full[i + 1] + 1]
end
T.ok(math.abs(loss - sum / count) < 1e-4, ("loss %g, from the logits %g"):format(loss, sum / count))
T.ok(loss < 0.1, "a learned completion has a small loss")

-- Sampling: the same seed, the same text.
local a = m:generate("4", { temperature = 2, seed = 9, max_new = 10 })
T.eq(m:generate("4", { temperature = 2, seed = 9, max_new = 10 }), a, "seeded")

-- Evaluation: two gold answers are wrong on purpose.
local r = m:evaluate(dir .. "/eval.jsonl")
T.eq(r.questions, 6, "questions")
T.eq(r.correct, 4, "correct")
T.eq(r.tokens, 60, "tokens")
T.eq(r.tokens_per_correct, 15, "tokens per correct answer")
T.eq(r.predictions[2].answer, "42", "the second answer")
T.eq(r.predictions[2].correct, false, "graded against its gold")
T.eq(r.predictions[1].output, "\\boxed{46}", "the response")
T.eq(m:evaluate(dir .. "/eval.jsonl", { limit = 2 }).questions, 2, "limit")
T.eq(m:evaluate(dir .. "/eval.jsonl", { max_new = 4 }).correct, 0, "too short to answer")

-- The measures of whittle eval --json, the same names and values, on the
-- same questions with a difficulty and a thinking budget each (the
-- responses have no </think>: all 10 tokens are thinking), greedy and
-- with samples for pass@k.
local tmp = (os.getenv("TMPDIR") or "/tmp") .. ("/whittle-eval-%d.jsonl"):format(os.time())
local f = assert(io.open(tmp, "w"))
local difficulty, budget = { "easy", "easy", "Level 2", "Level 10", "hard", nil },
	{ 8, 16, 16, nil, 8, 32 }
local i = 0
for line in io.lines(dir .. "/eval.jsonl") do
	local rec = wh.json.decode(line)
	i = i + 1
	rec.difficulty, rec.budget = difficulty[i], budget[i]
	f:write(wh.json.encode(rec), "\n")
end
f:close()
local function q(s) return "'" .. s:gsub("'", "'\\''") .. "'" end
local function cli_eval(args)
	local p = assert(io.popen(("%s eval %s %s --json %s"):format(q(T.build .. "/whittle"),
		q(dir), q(tmp), args)))
	local out = p:read("a")
	T.ok(p:close(), "whittle eval " .. args)
	return assert(wh.json.decode(out), "whittle eval --json: " .. out)
end
-- Every member of the command's summary in Lua's (numbers to the 6
-- digits the command prints), and no other but predictions.
local function same(cli, lua, where)
	for k, v in pairs(cli) do
		local l, at = lua[k], where .. k
		if type(v) == "table" then
			T.eq(type(l), "table", at)
			if type(l) == "table" then same(v, l, at .. ".") end
		elseif type(v) == "number" then
			T.ok(type(l) == "number" and math.abs(l - v) <= 1e-6 * math.max(1, math.abs(v)),
				("%s: whittle eval %s, m:evaluate %s"):format(at, v, l))
		else
			T.eq(l, v, at)
		end
	end
	for k in pairs(lua) do
		T.ok(cli[k] ~= nil or (where == "" and k == "predictions"), where .. k .. " only in Lua")
	end
end
r = m:evaluate(tmp)
local cli = cli_eval("")
same(cli, r, "")
T.eq(r.questions, 6, "questions")
T.eq(r.thinking_tokens_per_question, 10, "thinking tokens")
T.eq(r.answer_tokens_per_question, 0, "answer tokens")
T.eq(#r.difficulty, 4, "difficulty buckets")
T.eq(r.difficulty[2].bucket, "Level 10", "numbers in names in order")
T.eq(r.budgets[1].budget, 8, "budgets in order")
T.eq(r.budgets[1].within_budget, 0, "10 thinking tokens are over 8")
T.eq(r.budget_fidelity, 0.6, "budget fidelity")
T.eq(r.predictions[1].thinking_tokens, 10, "a prediction's thinking tokens")
T.eq(r.pass_at_1, nil, "no pass@k without samples")
local opts = { samples = 4, temperature = 1.5, pass_k = { 1, 2, 4 } }
r = m:evaluate(tmp, opts)
same(cli_eval("--samples 4 --temperature 1.5 --pass-k 1,2,4"), r, "")
T.eq(r.samples, 4, "samples")
T.ok(r.pass_at_4 >= r.pass_at_2 and r.pass_at_2 >= r.pass_at_1, "pass@k grows with k")
T.eq(r.predictions[1].samples_correct ~= nil, true, "samples correct of a question")
opts.pass_k = nil
same(cli_eval("--samples 4 --temperature 1.5"), m:evaluate(tmp, opts), "")
T.ok(m:evaluate(tmp, opts).pass_at_4, "pass@1 and pass@N by default")
T.ok(not pcall(m.evaluate, m, tmp, { samples = 2 }), "samples at temperature 0")
T.ok(not pcall(m.evaluate, m, tmp, { samples = 2, temperature = 1, pass_k = { 3 } }),
	"k above the samples")
T.ok(not pcall(m.evaluate, m, tmp, { pass_k = { 1 } }), "pass_k without samples")
os.remove(tmp)

-- Save and load again: the same model.
local out = (os.getenv("TMPDIR") or "/tmp") .. ("/whittle-model-%d"):format(os.time())
os.execute("mkdir -p " .. out)
T.ok(m:save(out), "save")
local m2 = assert(wh.model.load(out))
T.eq(m2:generate("44+44\n\n"), "\\boxed{88}", "the saved model answers")
os.execute("rm -rf " .. out)

local none, msg = wh.model.load(dir .. "/absent")
T.eq(none, nil, "no checkpoint")
T.ok(msg:match("config.json"), "message names the file: " .. msg)
T.ok(not pcall(m.logits, m, { 300 }), "an id beyond the vocabulary")
T.ok(not pcall(m.generate, m, ("x"):rep(30)), "a prompt past the positions")
local ok, why = pcall(m.generate, m, "")
T.ok(not ok and why:match("the prompt is empty"), "an empty prompt: " .. tostring(why))
for _, n in ipairs({ 0, -1, 2^32 + 1 }) do
	T.ok(not pcall(m.generate, m, "4", math.tointeger(n)), "max_new " .. n .. " refused")
	T.ok(not pcall(m.generate, m, "4", { max_new = math.tointeger(n) }), "{max_new = " .. n .. "} refused")
end
m:close()
T.ok(not pcall(m.config, m), "closed")

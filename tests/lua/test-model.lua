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
m:close()
T.ok(not pcall(m.config, m), "closed")

-- The whittle module itself: datasets and edits through the overlay,
-- traces, JSON, the RNG, tokenizers, answers, segments, log and progress.
local T = loadfile((...) .. "/tests/lua/lib.lua")(...)
local wh = require "whittle"

local dir = os.getenv("TMPDIR") or "/tmp"
local copy = ("%s/whittle-module-%d.jsonl"):format(dir, os.time())
local src = assert(io.open(T.src .. "/examples/demo-r1-messages.jsonl")):read("a")
assert(io.open(copy, "w")):write(src):close()

-- Datasets: count, get, traces, and edits through the overlay.
local ds = assert(wh.open(copy))
T.eq(ds:count(), 16, "count")
T.eq(#ds, 16, "#ds")
local t = ds:get(2)
T.eq(t.index, 2, "index")
T.eq(t.line, 2, "line")
T.eq(t.generation, 0, "generation")
T.eq(type(t.record.messages), "table", "record decoded")
T.eq(t.record.id, "demo-r1-002", "record fields")
local n = 0
for i, u in ds:traces() do n = n + 1; T.eq(u.index, i, "traces in order") end
T.eq(n, 16, "every trace")
ds:set(2, "answer", "edited \\boxed{1}")
T.eq(ds:get(2).answer, "edited \\boxed{1}", "set goes through the overlay")
local u = ds:get(3)
u.thinking = "short"
T.eq(ds:update(u), 1, "update writes the changed field")
local ok, err = pcall(ds.update, ds, wh.trace{ question = "q" })
T.ok(not ok and err:find("not a trace read from this dataset", 1, true), "update of a new trace: " .. tostring(err))
T.eq(ds:get(3).thinking, "short", "updated")
ds:restore(3)
T.ok(ds:get(3).thinking ~= "short", "restore drops the edit")
local out = copy .. ".saved"
ds:save(out)
local saved = assert(wh.open(out))
T.eq(saved:get(2).answer, "edited \\boxed{1}", "save writes the edit")
T.eq(saved:get(1).question, ds:get(1).question, "untouched records kept")
local ex = copy .. ".sharegpt"
ds:export(ex, "sharegpt")
T.ok(assert(io.open(ex)):read("l"):match('"conversations"'), "export")
ds:close()
T.ok(not pcall(ds.count, ds), "closed")
local missing, err = wh.open(dir .. "/no-such-file.jsonl")
T.eq(missing, nil, "missing file")
T.ok(err:match("no%-such%-file"), "message names the file")
os.remove(copy); os.remove(out); os.remove(ex)

-- Traces.
local tr = wh.trace { question = "q", thinking = "a b", answer = "\\boxed{2}" }
local c = tr:copy():label("k", 1)
T.eq(c.labels.k, 1, "label")
T.eq(tr.labels, nil, "copy does not share labels")
T.eq(tr:tokens().thinking, wh.tokenizer.default():count("a b"), "tokens")

-- JSON: deterministic, round trip.
local j = wh.json.encode({ b = 1, a = { 1, 2.5, "x\n" }, _hidden = 1, c = true })
T.eq(j, '{"a":[1,2.5,"x\\n"],"b":1,"c":true}', "encode sorts keys, hides _keys")
local back = wh.json.decode(j)
T.eq(back.a[3], "x\n", "decode")
T.eq(wh.json.decode("{"), nil, "bad JSON")
T.ok(not pcall(wh.json.encode, { f = print }), "functions are not JSON")
-- what cannot be written is named by where it is, as jq writes a path
local _, where = pcall(wh.json.encode, { x = { a = { 1, { b = print } } } })
T.eq(where, "cannot write a function as JSON (at .x.a[2].b)", "a value's path")
_, where = pcall(wh.json.encode, { labels = { ok = { [2.5] = 1 } } })
T.eq(where, "cannot write a table with a number key as JSON (at .labels.ok)", "a key's path")
_, where = pcall(wh.json.encode, print)
T.eq(where, "cannot write a function as JSON", "at the top, no path")

-- RNG: the same numbers for the same seed.
local r1, r2 = wh.rng(42), wh.rng(42)
for _ = 1, 10 do T.eq(r1:random(1000), r2:random(1000), "same seed") end
local x = wh.rng(1):random()
T.ok(x >= 0 and x < 1, "random() in [0,1)")
local l = wh.rng(3):shuffle({ 1, 2, 3, 4, 5 })
table.sort(l)
T.eq(table.concat(l, ","), "1,2,3,4,5", "shuffle permutes")
T.eq(wh.rng(9):random(5, 5), 5, "random(m, n)")
local wide = wh.rng(9)
for _ = 1, 10 do
	T.eq(math.type(wide:random(math.mininteger, math.maxinteger)), "integer", "random over every integer")
	local v = wide:random(-5, math.maxinteger)
	T.ok(v >= -5, "random(m, n) wider than maxinteger")
end

-- Tokenizers.
local tok = wh.tokenizer.default()
local ids = tok:encode("hello world")
T.eq(#ids, tok:count("hello world"), "count = #encode")
T.ok(tok:vocab_size() > 0, "vocab_size")
T.eq(type(tok:decode(ids)), "string", "decode")
ok, err = pcall(tok.decode, tok, { 1, 1.5 })
T.ok(not ok and err:find("(item 2: integer expected, got number)", 1, true), "a bad id named: " .. tostring(err))
T.eq(tok:decode(tok:encode("a<|im_end|>")), "a<|im_end|>", "decode keeps special tokens")
T.eq(tok:decode(tok:encode("a<|im_end|>"), true), "a", "decode skip_special")
local loaded = assert(wh.tokenizer.load(T.src .. "/tests/tokenizer/tiny-gpt2.json"))
T.ok(loaded:count("hello") > 0, "load")
T.eq(wh.tokenizer.load(dir .. "/nope.json"), nil, "missing tokenizer")

-- Answers.
local a, rule, s, e = wh.answer.extract("so \\boxed{42} done")
T.eq(a, "42", "extract")
T.eq(rule, "boxed", "rule")
T.eq(("so \\boxed{42} done"):sub(s, e), "42", "offsets")
T.eq(wh.answer.extract("the answer is 7", { "boxed" }), nil, "rules restrict")
T.eq(wh.answer.of_trace(tr), "2", "of_trace")
T.eq(wh.answer.of_gold("3/4"), "3/4", "of_gold")
T.eq(wh.answer.of_gold(nil), nil, "of_gold of a record without gold")
T.eq(wh.answer.equivalent("\\frac{1}{2}", "0.5"), true, "equivalent")
T.eq(wh.answer.equivalent("1", "2"), false, "different")
T.eq(wh.answer.normalize("\\dfrac{1}{2}"), "\\frac{1}{2}", "normalize")

-- Segments, and rules changed from Lua.
local text = "The problem asks for x. So x = 3. Wait, let me check: 3 works. Alternatively, x = 3 again. Final answer: 3."
local g = wh.segment.run(text)
T.ok(#g.segments >= 3, "segments")
for _, sg in ipairs(g.segments) do T.eq(type(sg.flags), "table", "flags") end
T.ok(#wh.segment.split(text) >= 4, "split")
T.eq(g.n_segments, #g.segments, "n_segments")
local keep, want = {}, {}
for i, sg in ipairs(g.segments) do
	keep[i] = i % 2 == 1
	if keep[i] then
		local nxt = g.segments[i + 1]
		want[#want + 1] = text:sub(sg.start, nxt and nxt.start - 1 or #text)
	end
end
T.eq(wh.segment.rebuild(g, keep), (table.concat(want):gsub("%s+$", "")), "rebuild keeps odd segments")
T.eq(wh.segment.rebuild(g, {}), "", "rebuild keeps nothing")
T.eq(select(2, wh.segment.rebuild(g, keep)), g.n_segments // 2, "rebuild counts what it left out")
local all = wh.segment.keep(g)
T.eq(#all, g.n_segments, "keep: one per segment")
for i = 1, #all do T.eq(all[i], true, "keep: all kept") end
local sol = g.solutions[1]
T.ok(sol ~= nil, "a solution")
local some = wh.segment.keep(g, { [1] = true })
for i = 1, g.n_segments do
	T.eq(some[i], i < sol.first or i > sol.last, "keep: the first solution's segments dropped")
end
T.eq(wh.segment.rebuild(wh.segment.run("  "), {}), "  ", "no segments: the text")
T.ok(not pcall(wh.segment.rebuild, {}, {}), "rebuild wants a result")
local pruned = wh.trace({ thinking = wh.segment.rebuild(g, keep), gold = "3" })
local again, fresh = wh.segment.rerun(g, pruned), wh.segment.run(pruned)
T.eq(wh.json.encode({ again.segments, again.solutions }),
	wh.json.encode({ fresh.segments, fresh.solutions }), "rerun gives what run gives")
local tr2 = wh.trace({ thinking = text })
local prune = require "whittle.lib.prune"
local g1 = prune.segments(tr2)
T.eq(prune.segments(tr2), g1, "segmentation cached")
tr2.thinking = "So x = 4."
T.ok(prune.segments(tr2) ~= g1, "edited thinking, new segmentation")
local rules = wh.segment.rules()
T.ok(#rules.cues > 10, "rules")
rules.cues = { { phrase = "wait", kind = "verify" } }
local seg = wh.segment.new(rules)
T.eq(type(seg:run(text).segments), "table", "new rules run")
local custom = seg:run(text)
T.eq(wh.json.encode(wh.segment.rerun(custom, pruned).segments),
	wh.json.encode(seg:run(pruned).segments), "rerun keeps the rules of its result")
T.ok(not pcall(wh.segment.new, { cues = { { phrase = "x", kind = "nope" } } }), "bad kind")
ok, err = pcall(wh.segment.new, { similarity = "high" })
T.ok(not ok and err:find("(similarity: number expected, got string)", 1, true), "a bad field named: " .. tostring(err))

-- Log and progress do not fail.
wh.log.info("%d %s", 1, "info")
wh.log.debug("debug")
ok, err = pcall(wh.progress, "test")
T.ok(not ok and err:find("bad argument #2 to '[%w.?]*' %(number expected, got no value%)"),
	"a progress without its total: " .. tostring(err))
local p = wh.progress("test", 2)
p:update(1)
p:done()
T.eq(type(wh.version), "string", "version")
T.eq(wh.seed, 1, "seed")

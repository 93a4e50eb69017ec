# Every example of the man pages runs. Each .EX/.EE block is taken out of
# its page, its roff escapes turned back into text, and run through the
# real binary on a small fixture: a Lua fragment of whittle-lua(7) with a
# prelude giving it the names it assumes (ds, t, g, tok, m, ...), a step or
# pipeline file with whittle step or whittle run, shell lines with bash,
# whittle(1)'s init.lua in the workbench; and whittle-analysis(7)'s table
# of answers compared is checked row by row. The RULES below add what a
# block needs beyond the prelude and what is checked after it; a block no
# rule or kind covers fails, so a new example gets a rule (run it, or say
# why it cannot run offline), and so does a rule whose block is gone.
. "$SRCDIR/tests/lib.sh"
export XDG_CONFIG_HOME="$T/config"
W="$T/work"
mkdir -p "$W/qwen3" "$W/run" "$T/ex" "$T/bin" "$XDG_CONFIG_HOME/whittle/steps"
ln -s "$WHITTLE" "$T/bin/whittle"
PATH="$T/bin:$PATH"
RAN=0 SKIPPED=0

# The fixture: four traces (the first with a second attempt that checks
# the first), a tokenizer (tiny-qwen, with Qwen3's ids of "The" and
# " answer" that whittle-lua(7) decodes), the byte-level checkpoint of
# tests/train and its questions, and the files the shell examples name
# (lua/ is the source tree's; OpenR1-Math.jsonl has the 17 records of two
# generations that whittle(1) shows one of).
cat >"$W/traces.jsonl" <<'EOF'
{"question": "What is 12+34?", "thinking": "We need 12+34. Let me add the units: 2+4=6, and the tens: 1+3=4, so 12+34 = 46.\n\nWait, let me double-check by another method. 34+12: 34+10=44, 44+2=46. So 12+34 = 46.", "answer": "The sum is \\boxed{46}.", "gold": "46"}
{"question": "What is 7*6?", "thinking": "7*6 is 42. Let me verify: 6*7 = 42.", "answer": "\\boxed{42}", "gold": "42"}
{"question": "What is 9-4?", "thinking": "9-4 = 6. Wait, that's not right. 9-4 = 5.", "answer": "\\boxed{5}", "gold": "5"}
{"question": "Half of 1?", "thinking": "Half of 1 is 1/2.", "answer": "\\boxed{\\frac{1}{2}}", "gold": "0.5"}
EOF
jq '.model.vocab["The"] = 785 | .model.vocab["Ġanswer"] = 4226' \
	"$SRCDIR/tests/tokenizer/tiny-qwen.json" >"$W/qwen3/tokenizer.json" || fail "the fixture tokenizer"
cp "$W/qwen3/tokenizer.json" "$W/tok.json"
cp -R "$SRCDIR/tests/train/byte-sums" "$W/run/checkpoint-400"
cp "$W/run/checkpoint-400/eval.jsonl" "$W/held-out.jsonl"
cp "$W/traces.jsonl" "$W/in.jsonl"
cp "$SRCDIR/lua/whittle/pipelines/dlcot.lua" "$W/dlcot.lua"
ln -s "$SRCDIR/lua" "$W/lua"
cp "$EXAMPLES/demo-openthoughts.jsonl" "$W/OpenThoughts-114k.jsonl"
for i in $(seq 1 17); do
	jq -nc --argjson i $i '{problem: "What is \($i)+\($i)?", answer: "\(2 * $i)", generations: [
		"<think>\n\($i)+\($i) is \(2 * $i).\n</think>\n\\boxed{\(2 * $i)}",
		"<think>\nDouble \($i): \(2 * $i).\n</think>\n\\boxed{\(2 * $i)}"]}'
done >"$W/OpenR1-Math.jsonl"
printf '%s\n' '{"question": "What is 12+34?", "code": ["12+34 = 46, so \\boxed{46}."], "gt": "46"}' \
	'{"question": "What is 7*6?", "code": ["7*6 = 48, so \\boxed{48}."], "gt": "42"}' \
	>"$W/math500_outputs.jsonl"

# RULES, for blocks named by their first line:
#   @given LINE  Lua run before the block, in its scope
#   @check LINE  Lua run after it, in its scope (after the call, with its
#                results in R, when it ends with return); OUT holds the
#                lines it printed
#   @step LINE   run it inside a step's run(t, p, ctx) (for what only a
#                run has: wh.input(), the run's tokenizer, returning t),
#                on the four traces, which must all be kept
#   @skip LINE   do not run it; the text says why (a skipped Lua block is
#                still compiled)
#   @sh LINE     shell run in the examples' folder after a block of shell
#                lines (run by bash -e -o pipefail; what they printed is
#                in block.out), which must succeed
#   @help LINE   COMMAND OPTION lines: what whittle COMMAND --help must
#                list, for the options of a block that cannot run
rules() {
	cat <<'RULES'
@sh whittle export -f text traces.jsonl -o sft.jsonl
test -f tiny/checkpoint-20/DONE
jq -e '.hidden_size == 32 and .num_hidden_layers == 1' tiny/checkpoint-20/config.json >/dev/null
grep -qx 'whittle eval: tiny/checkpoint-20' block.out
grep -qx 'questions 4' block.out
@sh whittle lua lua/whittle/tasks/multiply.lua n=2000 seed=1 -o train.jsonl
test "$(wc -l <train.jsonl)" -eq 2000
test "$(wc -l <add.jsonl)" -eq 1000
test "$(wc -l <arith.jsonl)" -eq 500
jq -e '.messages[1].content | contains("<think>")' arith.jsonl >/dev/null
@sh whittle stats OpenThoughts-114k.jsonl
grep -q '^records  *20 good, 0 bad$' block.out
{ head -2 traces.jsonl; echo 'not json'; } >bad.jsonl
whittle stats --json bad.jsonl | jq -e '.bad == [{"line": 3, "reason": .bad[0].reason}]' >/dev/null
grep -qx 'Double 17: 34.' block.out
test "$(wc -l <sft.train.jsonl)" -eq 4
@sh whittle show --segments traces.jsonl 3
grep -q 'explore  *1 .*9-4 = 5\.$' block.out
grep -q '"accuracy":.0\.5,$' block.out
@sh whittle steps
jq -e '.whittle.seed == 1' out.jsonl >/dev/null
cmp -s out.jsonl part2.jsonl && exit 1
test "$(wc -l <out.jsonl)" -gt 0
@check local ds = assert(wh.open("traces.jsonl"))
assert(#ds == 4, "4 records")
@step local n = wh.input():count()
@check local n = wh.input():count()
assert(n == 4, "the run's input has 4 records, not " .. n)
@check print(#ds)
assert(OUT[1] == "4", "printed " .. tostring(OUT[1]))
@check local t = ds:get(1)
assert(t.question == "What is 12+34?" and t.index == 1)
@check for i, t in ds:traces() do print(i, #t.thinking) end
assert(#OUT == 4 and OUT[4] == "4\t17", "printed " .. table.concat(OUT, "|"))
@check ds:set(3, "thinking", "shorter thinking")
assert(ds:get(3).thinking == "shorter thinking")
@check local t = ds:get(3); t.answer = "42"; ds:update(t)
assert(ds:get(3).answer == "42" and ds:get(3).thinking:find("^9%-4"))
@given ds:restore(3)
ds:set(3, "thinking", "shorter thinking")
@check ds:restore(3)
assert(ds:get(3).thinking:find("^9%-4"), "the edit was not dropped")
@given ds:save("curated.jsonl")
ds:set(3, "thinking", "shorter thinking")
@check ds:save("curated.jsonl")
local saved = assert(wh.open("curated.jsonl"))
assert(#saved == 4 and saved:get(3).thinking == "shorter thinking")
assert(saved:get(1).thinking == t.thinking)
@check ds:export("sft.jsonl", "sharegpt")
local first = wh.json.decode(io.lines("sft.jsonl")())
assert(#first.conversations == 2, "a sharegpt record")
@check ds:close()
assert(not pcall(ds.count, ds), "the dataset is closed")
@check local t = wh.trace { question = "1+1?", thinking = "2", answer = "2" }
assert(t.question == "1+1?" and wh.answer.of_trace(t) == "2")
@check local short = t:copy(); short.thinking = ""
assert(short.thinking == "" and t.thinking:find("^We need"))
@step return t:label("difficulty", "simple")
@check return t:label("difficulty", "simple")
assert(R[1] == t and t.labels.difficulty == "simple")
@step if t:tokens().thinking > 8000 then return nil end
@check for _, s in ipairs(wh.segment.run(t).segments) do
assert(#OUT == g.n_segments and OUT[1] == "explore\tWe need 12+34.", "printed " .. tostring(OUT[1]))
@check local g = wh.segment.run(t); local keep = {}
assert(not t.thinking:find("add the units") and t.thinking:find("^We need"))
@given local pruned = t:copy(); pruned.thinking = wh.segment.rebuild(g, keep)
keep[3] = false
@check local pruned = t:copy(); pruned.thinking = wh.segment.rebuild(g, keep)
assert(g2.n_segments == g.n_segments - 1)
@check local text, n = wh.segment.rebuild(g, wh.segment.keep(g, { [2] = true }))
assert(n == 3 and not text:find("another method"), "dropped " .. n)
@check local prune = require "whittle.lib.prune"
assert(OUT[1]:find("^3\tWe need 12%+34%.") and not OUT[1]:find("another method"), "printed " .. tostring(OUT[1]))
@check local n = #wh.segment.split(t.thinking)
assert(n == 5, n .. " sentences")
@check local r = wh.segment.rules()
assert(wh.segment.new(r):run(t).n_segments == g.n_segments)
@check local seg = wh.segment.new(r); local g = seg:run(t)
assert(g.n_segments == 5)
@check local a, rule = wh.answer.extract("so \\boxed{42}")
assert(a == "42" and rule == "boxed")
@check local a = wh.answer.of_trace(t)
assert(a == "46")
@check local g = wh.answer.of_gold(t.gold)
assert(g == "46")
@given if wh.answer.equivalent(a, g) then t:label("correct", true) end
local t = ds:get(4)
local a, g = wh.answer.of_trace(t), wh.answer.of_gold(t.gold)
@check if wh.answer.equivalent(a, g) then t:label("correct", true) end
assert(t.labels.correct == true, a .. " is " .. g)
@check print(wh.answer.normalize("\\dfrac{1}{2}"))
assert(OUT[1] == "\\frac{1}{2}", OUT[1])
@check local tok = assert(wh.tokenizer.load("qwen3/tokenizer.json"))
assert(tok:count("hello world") > 0)
@step local tok = wh.tokenizer.default()
@check local tok = wh.tokenizer.default()
assert(tok and tok:vocab_size() == 4227)
@check local ids = tok:encode("<think>")
assert(tok:decode(ids) == "<think>")
@check local text = tok:decode({ 785, 4226 })
assert(text == "The answer", text)
@check local n = tok:count(t.thinking)
assert(n == #tok:encode(t.thinking) and n > 10)
@check print(tok:vocab_size())
assert(OUT[1] == "4227")
@check local m = assert(wh.model.load("run/checkpoint-400"))
assert(m:config().vocab == 257)
@check print(m:config().params)
assert(math.tointeger(OUT[1]) > 0)
@check local rows = m:logits({ 49, 50, 43 })
assert(#rows == 3 and #rows[1] == 257)
@given local loss, n = m:loss(ids, labels)
local ids = { string.byte("12+34\n\n\\boxed{46}", 1, -1) }
local labels = {}
for i, id in ipairs(ids) do labels[i] = i > 7 and id or -100 end
@check local loss, n = m:loss(ids, labels)
assert(n == 10 and loss < 0.1, "loss " .. loss .. " over " .. n)
@given local text, ended = m:generate(t.question .. "\n\n", { max_new = 200 })
local t = wh.trace { question = "12+34" }
@check local text, ended = m:generate(t.question .. "\n\n", { max_new = 200 })
assert(text == "\\boxed{46}" and ended == "eos", text)
@check local r = m:evaluate("held-out.jsonl", { limit = 100 })
assert(r.questions == 6 and r.pass_at_8 >= r.pass_at_1 and #OUT == 2, #OUT .. " lines")
@given local r = wh.rng(7); local pick = r:random(#list)
local list = { "a", "b", "c" }
@check local r = wh.rng(7); local pick = r:random(#list)
assert(pick >= 1 and pick <= 3 and pick == wh.rng(7):random(3))
@check local rec = wh.json.decode('{"a": [1, 2]}')
assert(rec.a[2] == 2)
@check print(wh.version)
assert(OUT[1]:find("^%d+%.%d+"), OUT[1])
@skip local wh = require "whittle"
trains a student for 2000 steps in the engine
@help local wh = require "whittle"
train --steps
train --batch
train --eval-every
eval --max-new
@skip local c = wh.job{ "python3", "curate.py", "-o", "sft.jsonl" }
runs the user's curate.py and trains for 2000 steps in the engine
@skip t=$(whittle engine submit train sft.jsonl --steps 2000 --out ck)
trains a student for 2000 steps in the engine
@help t=$(whittle engine submit train sft.jsonl --steps 2000 --out ck)
train --steps
train --out
engine --after
@skip whittle: job ID cancelled: waited for run ID2, which ended failed
a message the engine prints, not a command
@skip whittle: job ID done (exit status 0)
messages the engine prints, not commands
@skip whittle: the engine on gpu is whittle 0.2.0, protocol 2; this is whittle 0.1.0, protocol 1: run the same version on both sides
a message whittle prints, not a command (tests/engine-ssh.sh checks it)
@skip ssh: connect to host gpu port 22: Connection refused
a message whittle prints, not a command (tests/engine-ssh.sh checks it)
@skip from whittle_callback import WhittleCallback
a fragment of the user's Python training script (transformers)
@skip whittle engine submit --watch out -- torchrun --nproc_per_node 8 train.py
needs torch, eight GPUs and the user's train.py
RULES
}

# rule KIND FIRST: the text of that rule, with status 1 when there is none.
rule() {
	rules | FIRST="$2" KIND="$1" awk '
		/^@/ { on = ($0 == "@" ENVIRON["KIND"] " " ENVIRON["FIRST"]); if (on) found = 1; next }
		on { print }
		END { exit !found }'
}

# unroff FILE PAGE: turn \e, \-, \(aq, \(dq and \& back into text, in place; a
# request, or an escape this test does not know, fails.
unroff() {
	grep -n '^\.' "$1" >"$T/bad" && fail "$2: a request inside the block '$(head -1 "$1")': $(cat "$T/bad")"
	sed -e 's/\\e/\x01/g' -e 's/\\-/-/g' -e "s/\\\\(aq/'/g" -e 's/\\(dq/"/g' \
		-e 's/\\&//g' "$1" >"$1.txt"
	if grep -n '\\' "$1.txt" >"$T/bad"; then
		fail "$2: an escape this test does not know in '$(head -1 "$1.txt")': $(cat "$T/bad")"
	fi
	tr '\001' '\\' <"$1.txt" >"$1"
	rm "$1.txt"
}

# extract PAGE: each .EX/.EE block of man/PAGE into $T/ex/PAGE.NN, as text.
extract() {
	awk -v out="$T/ex/$1" '
		/^\.EX/ { f = sprintf("%s.%02d", out, ++n); next }
		/^\.EE/ { close(f); f = ""; next }
		f != "" { print > f }' "$SRCDIR/man/$1"
	for f in "$T/ex/$1".*; do
		[ -f "$f" ] || { fail "$1: no .EX blocks"; return; }
		unroff "$f" "$1"
	done
}

# skip PAGE FILE: say why the block is not run; check what can be.
skip() {
	first=$(head -1 "$2")
	echo "skip $1: '$first': $(rule skip "$first")"
	SKIPPED=$((SKIPPED + 1))
	if [ "$1" = whittle-lua.7 ]; then
		printf 'assert(loadfile((...)))\n' >"$T/compile.lua"
		whittle lua "$T/compile.lua" "$2" >"$T/out" 2>&1 ||
			fail "$1: the example '$first' does not compile: $(cat "$T/out")"
	fi
	rule help "$first" | while read -r cmd opt; do
		whittle "$cmd" --help 2>&1 | grep -q -e "^ *$opt " -e "\[$opt " ||
			echo "$cmd $opt"
	done >"$T/missing"
	[ -s "$T/missing" ] && fail "$1: the example '$first' names options that are gone: $(cat "$T/missing")"
}

# The prelude of a fragment run by whittle lua: the dataset, a trace, its
# segmentation, rules, a tokenizer and a model; print keeps the lines in OUT.
prelude_lua() {
	cat <<'LUA'
local wh = require "whittle"
local OUT = {}
local function print(...)
	local s = {}
	for i = 1, select("#", ...) do s[i] = tostring((select(i, ...))) end
	OUT[#OUT + 1] = table.concat(s, "\t")
end
local ds = assert(wh.open("traces.jsonl"))
local t = ds:get(1)
local g = wh.segment.run(t)
local keep = wh.segment.keep(g)
local r = wh.segment.rules()
local tok = assert(wh.tokenizer.load("qwen3/tokenizer.json"))
local m = assert(wh.model.load("run/checkpoint-400"))
LUA
}

# The same inside a step, where t is the record and ds the run's input.
prelude_step() {
	cat <<'LUA'
local wh = require "whittle"
return { name = "example", summary = "an example of whittle-lua(7)", params = {},
run = function(t, p, ctx)
local OUT = {}
local function print(...)
	local s = {}
	for i = 1, select("#", ...) do s[i] = tostring((select(i, ...))) end
	OUT[#OUT + 1] = table.concat(s, "\t")
end
local ds = wh.input()
LUA
}

# fragment FILE: run a Lua fragment of whittle-lua(7) with the prelude.
fragment() {
	first=$(head -1 "$1")
	script="$T/fragment.lua"
	mode=lua
	rule step "$first" >/dev/null && mode=step
	{
		prelude_$mode
		echo "local R = table.pack((function()"
		rule given "$first"
		cat "$1"
		if grep -v '^[[:space:]]*$' "$1" | tail -1 | grep -q '^return'; then
			echo "end)())"
			rule check "$first"
		else
			rule check "$first"
			echo "end)())"
		fi
		[ $mode = step ] && printf '%s\n' "if R.n > 0 then return table.unpack(R, 1, R.n) end" \
			"return t" "end }"
	} >"$script"
	if [ $mode = step ]; then
		cp "$script" "$XDG_CONFIG_HOME/whittle/steps/example.lua"
		(cd "$W" && whittle step example --tokenizer tok.json traces.jsonl -o "$T/example.jsonl") \
			>"$T/out" 2>&1
		st=$?
		rm "$XDG_CONFIG_HOME/whittle/steps/example.lua"
	else
		(cd "$W" && whittle lua "$script") >"$T/out" 2>&1
		st=$?
	fi
	[ $st -eq 0 ] || fail "whittle-lua.7: the example '$first' ($mode): $(head -5 "$T/out")"
	if [ $st -eq 0 ] && [ $mode = step ]; then
		expect_eq "$(wc -l <"$T/example.jsonl")" 4 "whittle-lua.7: the example '$first' keeps every trace"
	fi
}

# shell PAGE FILE: run each line of a block of shell commands in $W, then
# its @sh rule.
shell() {
	first=$(head -1 "$2")
	if ! (cd "$W" && bash -e -o pipefail "$2") >"$T/out" 2>&1; then
		fail "$1: the example '$first': $(tail -5 "$T/out")"
		return
	fi
	cp "$T/out" "$W/block.out"
	rule sh "$first" >"$T/check.sh"
	(cd "$W" && sh -ex "$T/check.sh") >"$T/out" 2>&1 ||
		fail "$1: the example '$first' gave other results: $(tail -3 "$T/out")"
}

# step FILE: a step file of whittle-lua(7), as the user's, through whittle
# step (short: it labels every trace, a lower max drops the long one, and
# without a tokenizer its check fails the run once, before any record).
step() {
	name=$(sed -n 's/^[[:space:]]*name = "\([^"]*\)",$/\1/p' "$1")
	cp "$1" "$XDG_CONFIG_HOME/whittle/steps/$name.lua"
	if (cd "$W" && whittle step "$name" --tokenizer tok.json traces.jsonl -o "$T/step.jsonl") \
	    >"$T/out" 2>&1; then
		expect_eq "$(jq -c .labels "$T/step.jsonl" | sort -u)" '{"short":true}' \
			"whittle-lua.7: the step '$name' labels every trace"
	else
		fail "whittle-lua.7: the step '$name': $(tail -5 "$T/out")"
	fi
	if (cd "$W" && whittle step "$name" max=100 --tokenizer tok.json traces.jsonl -o "$T/step.jsonl") \
	    >"$T/out" 2>&1; then
		expect_eq "$(wc -l <"$T/step.jsonl")" 3 "whittle-lua.7: the step '$name' max=100 drops the long trace"
	else
		fail "whittle-lua.7: the step '$name' max=100: $(tail -5 "$T/out")"
	fi
	(cd "$W" && whittle step "$name" traces.jsonl -o "$T/step.jsonl") >"$T/out" 2>&1 &&
		fail "whittle-lua.7: the step '$name' ran without a tokenizer"
	expect_eq "$(cat "$T/out")" "whittle: step $name: it counts tokens: give --tokenizer" \
		"whittle-lua.7: the step '$name' checks for a tokenizer"
	rm "$XDG_CONFIG_HOME/whittle/steps/$name.lua"
}

# pipeline FILE: a pipeline file of whittle-lua(7) through whittle run.
pipeline() {
	cp "$1" "$T/pipeline.lua"
	if ! (cd "$W" && whittle run "$T/pipeline.lua" --tokenizer tok.json traces.jsonl -o "$T/run.jsonl") \
	    >"$T/out" 2>&1; then
		fail "whittle-lua.7: the pipeline '$(sed -n 2p "$1" | tr -d '\t')': $(tail -5 "$T/out")"
		return
	fi
	expect_eq "$(jq -c '[.whittle.pipeline, (.whittle.steps | map(.name))]' "$T/run.jsonl" | sort -u)" \
		'["dlcot",["verify","prune-redundant","export-sft"]]' "whittle-lua.7: the pipeline's provenance"
	jq -e '(.messages | length) == 2 and (.input_ids | length) > 0' "$T/run.jsonl" >/dev/null ||
		fail "whittle-lua.7: the pipeline's records"
}

# init_lua FILE: whittle(1)'s init.lua in the workbench, driven through
# tmux as tests/tui-init.sh does: no error, and what it binds and sets holds.
init_lua() {
	first=$(head -1 "$1")
	where="in the workbench with whittle.1's init.lua example"
	. "$SRCDIR/tests/tui-lib.sh"
	cp "$1" "$XDG_CONFIG_HOME/whittle/init.lua"
	cp "$W/traces.jsonl" "$T/tui.jsonl"
	tui_start 150 30 "$T/tui.jsonl"
	tui_wait "1/4" || echo "$where" >&2
	tui_gone " scan " "the scan ends"
	tui_screen | grep -F "init.lua:" >&2 && fail "whittle.1: the example '$first' is refused"
	tui_keys C-s
	tui_wait "written: " || echo "$where: <C-s> writes" >&2
	tui_keys Enter
	tui_wait "Thinking" || echo "$where" >&2
	tui_gone "#  st mk" "whittle.1: split=off from the init.lua example"
	tui_keys q g w
	tui_wait "0 records where wrong" || echo "$where: gw filters" >&2
	tui_stop
	rm "$XDG_CONFIG_HOME/whittle/init.lua"
}

# fuzz PAGE FILE: a fuzzer runs until stopped; its make target and the
# files it names are checked.
fuzz() {
	first=$(head -1 "$2")
	echo "skip $1: '$first': builds a libFuzzer target with clang and fuzzes until stopped; the target and files it names are checked"
	SKIPPED=$((SKIPPED + 1))
	grep -q "^${first#make }:" "$BUILDDIR/Makefile" || fail "$1: no target for '$first'"
	for name in $(grep -o 'tests/[^ ]*' "$2"); do
		[ -f "$SRCDIR/$name" ] || fail "$1: the example names $name, which is not there"
	done
}

# run_block PAGE FILE: run one block the way its kind runs.
run_block() {
	first=$(head -1 "$2")
	if rule skip "$first" >/dev/null; then
		skip "$1" "$2"
		return
	fi
	case "$1:$first" in
	"whittle-lua.7:return {")
		if grep -q 'run = function' "$2"; then step "$2"; else pipeline "$2"; fi ;;
	"whittle.1:workbench."*)
		if ! command -v tmux >/dev/null 2>&1; then
			echo "skip $1: '$first': tmux is not installed"
			SKIPPED=$((SKIPPED + 1))
			return
		fi
		init_lua "$2" ;;
	*":make fuzz-"*)
		fuzz "$1" "$2"
		return ;;
	'whittle-engine.7:{"step":'*)
		jq -e 'keys == ["name", "step", "time", "tokens", "value"]' "$2" >/dev/null ||
			fail "$1: the metrics line '$first'" ;;
	*":whittle "*)
		shell "$1" "$2" ;;
	"whittle-lua.7:"*)
		fragment "$2" ;;
	*)
		fail "$1: no rule for the example '$first'"
		return ;;
	esac
	RAN=$((RAN + 1))
}

for page in whittle-lua.7 whittle.1 whittle-engine.7 whittle-train.7 whittle-tokenizer.7 whittle-analysis.7; do
	extract $page
	for f in "$T/ex/$page".[0-9][0-9]; do
		[ -f "$f" ] && run_block $page "$f"
	done
done

# whittle-analysis(7)'s table of answers compared: wh.answer.equivalent
# gives each row's verdict (equal: true, different: false, unknown: nil).
awk '/^\.SH EXAMPLES/ { on = 1 } on && /^\.nf/ { p = 1; next } p && /^\.fi/ { exit } p' \
	"$SRCDIR/man/whittle-analysis.7" >"$T/equal.txt"
unroff "$T/equal.txt" whittle-analysis.7
cat >"$T/equal.lua" <<'LUA'
local wh = require "whittle"
local rows = 0
for line in io.lines((...)) do
	local a, b, verdict = line:match("^(.-)%s%s+(.-)%s%s+(%a+)")
	assert(a, "a row of answer, answer, verdict: " .. line)
	local want = ({ equal = true, different = false })[verdict]
	local got = wh.answer.equivalent(a, b)
	if got ~= want then print(line .. ": " .. tostring(got)) end
	rows = rows + 1
end
if rows < 5 then print(rows .. " rows") end
LUA
whittle lua "$T/equal.lua" "$T/equal.txt" >"$T/out" 2>&1
expect_eq "$(cat "$T/out")" "" "whittle-analysis.7: the table of equivalent answers"
RAN=$((RAN + 1))

# Every rule names a block that is still there.
for f in "$T"/ex/*.[0-9][0-9]; do head -1 "$f"; done >"$T/firsts"
rules | sed -n 's/^@[a-z]* //p' | sort -u >"$T/named"
while IFS= read -r line; do
	grep -qxF -- "$line" "$T/firsts" || fail "a rule for an example that is gone: '$line'"
done <"$T/named"
echo "ran $RAN examples, skipped $SKIPPED"
done_test

# whittle steps, step and run driven through the real binary: listing,
# output order and provenance, threads and shards giving the same bytes,
# dry runs, the sandbox, bad scripts, and the instruction limit.
. "$SRCDIR/tests/lib.sh"
export XDG_CONFIG_HOME="$T/config"
demo="$EXAMPLES/demo-r1-messages.jsonl"
tok="$SRCDIR/tests/tokenizer/tiny-qwen.json"

$WHITTLE steps | grep -q '^thinkfree ' || fail "steps lists thinkfree"
$WHITTLE steps thinkfree | grep -q 'block' || fail "steps NAME shows parameters"
$WHITTLE steps nosuch 2>/dev/null; expect_eq $? 1 "unknown step"

# A user's step: listed, run, and overriding nothing else.
mkdir -p "$XDG_CONFIG_HOME/whittle/steps"
cat >"$XDG_CONFIG_HOME/whittle/steps/mark.lua" <<'LUA'
return {
	name = "mark", summary = "label each trace with its index and a draw",
	params = { { name = "tag", type = "string", default = "x", doc = "the label" } },
	run = function(t, p, ctx)
		t:label(p.tag, t.index)
		t:label("draw", ctx.rng:random(1000000))
		if t.index % 5 == 0 then return nil end
		if t.index % 7 == 0 then return { t, t:copy() } end
		return t
	end,
}
LUA
$WHITTLE steps | grep -q '^mark .*label each trace .* (yours)$' || fail "user step listed as the user's"
$WHITTLE steps | grep -q '^verify .*(yours' && fail "a shipped step listed as the user's"
# A step of the user's that takes a shipped step's name says so.
cat >"$XDG_CONFIG_HOME/whittle/steps/dedup.lua" <<'LUA'
return { name = "dedup", summary = "my dedup", params = {}, run = function(t) return t end }
LUA
$WHITTLE steps | grep -q '^dedup .*my dedup (yours, in place of the shipped one)$' ||
	fail "an override listed: $($WHITTLE steps | grep dedup)"
$WHITTLE steps dedup | grep -q '^replaces: .*/steps/dedup.lua (the shipped step of this name)$' ||
	fail "an override's file: $($WHITTLE steps dedup)"
rm "$XDG_CONFIG_HOME/whittle/steps/dedup.lua"
$WHITTLE step mark tag=n "$demo" -o "$T/m1.jsonl" || fail "step mark"
expect_eq "$(jq -r .labels.n "$T/m1.jsonl" | tr '\n' ,)" "1,2,3,4,6,7,7,8,9,11,12,13,14,14,16," "order, drops and splits"
expect_eq "$(head -1 "$T/m1.jsonl" | jq -c '.whittle | [.record, .pipeline, .steps[0].params.tag, .seed]')" '[1,"mark","n",0]' "provenance"

# Threads and shards: the same bytes.
$WHITTLE step mark tag=n -j 3 "$demo" -o "$T/m3.jsonl" || fail "step -j 3"
cmp -s "$T/m1.jsonl" "$T/m3.jsonl" || fail "3 threads give other bytes"
: >"$T/shards.jsonl"
for i in 1 2 3; do
	$WHITTLE step mark tag=n --shard $i/3 "$demo" -o - >>"$T/shards.jsonl" || fail "shard $i"
done
cmp -s "$T/m1.jsonl" "$T/shards.jsonl" || fail "shards concatenated differ"
$WHITTLE step mark tag=n --seed 9 "$demo" -o "$T/s9.jsonl"
cmp -s "$T/m1.jsonl" "$T/s9.jsonl" && fail "another seed, same draws"
$WHITTLE step mark --shard 4/3 "$demo" -o x 2>/dev/null; expect_eq $? 2 "bad shard"
$WHITTLE step mark nope=1 "$demo" -o "$T/x" 2>"$T/err"; expect_eq $? 1 "unknown parameter"
grep -q 'no parameter nope (it has: tag)' "$T/err" || fail "unknown parameter message"
[ -e "$T/x" ] && fail "a failed run leaves its output"
# A string typed on the command line reads \n, \t and \\ as whittle steps
# shows them: the default it shows, typed back, gives the same bytes; a
# raw parameter (filter's Lua expression) is left for Lua to read.
$WHITTLE steps thinkfree | grep -qF '<think>\n\n</think>\n\n' || fail "steps shows the block escaped"
$WHITTLE step thinkfree "$demo" -o "$T/tf0.jsonl" || fail "thinkfree"
$WHITTLE step thinkfree 'block=<think>\n\n</think>\n\n' "$demo" -o "$T/tf1.jsonl" || fail "thinkfree block="
cmp -s "$T/tf0.jsonl" "$T/tf1.jsonl" || fail "the shown default typed back: $(head -c 300 "$T/tf1.jsonl")"
expect_eq "$($WHITTLE step thinkfree 'block=a\tb\\n\q|' "$demo" -o - | head -1 | jq -r '.target | split("|")[0]')" \
	"$(printf 'a\tb\\n\\q')" "escapes: tab, backslash, an unknown one kept"
$WHITTLE step filter 'expr=thinking:find("\n\n") ~= nil' "$demo" -o "$T/fx.jsonl" 2>"$T/err" ||
	fail "a raw expression: $(cat "$T/err")"
expect_eq "$(wc -l <"$T/fx.jsonl")" 16 "filter reads its expression's escapes itself"
# A value the step cannot use fails once, before any record, naming the
# step; so does a token-counting step without a tokenizer.
check_once() {	# check_once MESSAGE STEP ARGS...
	want=$1; shift
	$WHITTLE step "$@" "$demo" -o "$T/x" 2>"$T/err"; expect_eq $? 1 "step $*"
	expect_eq "$(cat "$T/err")" "whittle: $want" "step $*"
}
check_once "step truncate: fraction is in (0, 1], not 5" truncate fraction=5 --tokenizer "$tok"
check_once "step export-sft: template is qwen3, llama3, deepseek_v3, not mistral" export-sft template=mistral
check_once "step budget: levels are positive integers, not abc" budget levels=abc --tokenizer "$tok"
check_once "step difficulty: it counts tokens: give --tokenizer PATH (or tokenizer=PATH)" difficulty
check_once "step prune-redundant: variant is all, last-1 or last-2, not x" prune-redundant variant=x
check_once "step mix: $T/none.jsonl: cannot open: No such file or directory" mix long="$T/none.jsonl"
# A check may look at the run's input as a whole.
cat >"$XDG_CONFIG_HOME/whittle/steps/needs-gold.lua" <<'LUA'
local wh = require "whittle"
return { name = "needs-gold", summary = "refuse a dataset without gold", params = {},
	check = function(p, run)
		local ds, n = wh.input(), 0
		for _, t in ds:traces() do if t.gold then n = n + 1 end end
		if n < ds:count() then error(("%d of %d records have no gold"):format(ds:count() - n, ds:count()), 0) end
	end,
	run = function(t) return t end }
LUA
printf '{"question":"q","thinking":"t","answer":"a"}\n' >"$T/nogold.jsonl"
$WHITTLE step needs-gold "$T/nogold.jsonl" -o "$T/ng.jsonl" 2>"$T/err"; expect_eq $? 1 "a check reading the input"
expect_eq "$(cat "$T/err")" "whittle: step needs-gold: 1 of 1 records have no gold" "a check reading the input"
$WHITTLE step needs-gold "$demo" -o "$T/ng.jsonl" || fail "a check reading an input with gold"
rm "$XDG_CONFIG_HOME/whittle/steps/needs-gold.lua"
check_once "step mix: fraction is in [0, 1], not 2" mix long="$demo" fraction=2
[ -e "$T/x" ] && fail "a refused step wrote its output"
# A shipped pipeline by name; a name that is none lists them.
$WHITTLE run dlcot "$demo" -o "$T/byname.jsonl" || fail "the dlcot pipeline by name"
$WHITTLE run "$SRCDIR/lua/whittle/pipelines/dlcot.lua" "$demo" -o "$T/bypath.jsonl"
cmp -s "$T/byname.jsonl" "$T/bypath.jsonl" || fail "dlcot by name and by path differ"
$WHITTLE run dlcott "$demo" -o "$T/x" 2>"$T/err"; expect_eq $? 1 "a pipeline name that is none"
grep -qx "whittle: the shipped pipelines, given by name: dlcot" "$T/err" ||
	fail "a pipeline name that is none: $(cat "$T/err")"
# A step name with a typo suggests the step meant, and only a close one.
$WHITTLE step verfy "$demo" -o "$T/x" 2>"$T/err"; expect_eq $? 1 "a step name with a typo"
grep -qx "whittle: no step named 'verfy' (did you mean verify? whittle steps lists them)" "$T/err" ||
	fail "a step name with a typo: $(cat "$T/err")"
$WHITTLE step zzzzzz "$demo" -o "$T/x" 2>"$T/err"
grep -qx "whittle: no step named 'zzzzzz' (whittle steps lists them)" "$T/err" ||
	fail "a step name like none: $(cat "$T/err")"
# The input and the pipeline swapped: said so, not "no known layout" of
# the pipeline read as data.
$WHITTLE run "$demo" "$SRCDIR/lua/whittle/pipelines/dlcot.lua" -o "$T/x" 2>"$T/err"
expect_eq $? 2 "input before the pipeline"
grep -q "^whittle: the pipeline comes first: whittle run .*dlcot.lua .*demo-r1-messages.jsonl$" "$T/err" ||
	fail "input before the pipeline: $(cat "$T/err")"

# --sidecar: the records untouched, provenance and labels beside them.
$WHITTLE step verify drop=true --sidecar "$T/side.jsonl" "$demo" -o "$T/u.jsonl" || fail "sidecar"
expect_eq "$(wc -l <"$T/u.jsonl")" "$(wc -l <"$T/side.jsonl")" "a sidecar line per record"
# The help says which file gets what.
$WHITTLE run --help | tr -s ' \n' ' ' | grep -q -- "--sidecar FILE write OUT's records untouched, as IN has them, and their labels and provenance to FILE" ||
	fail "run --help on --sidecar: $($WHITTLE run --help | grep -A2 sidecar)"
grep -qxF "$(head -1 "$demo")" "$T/u.jsonl" || fail "records untouched"
expect_eq "$(jq -r '.labels.correct' "$T/side.jsonl" | sort -u)" "true" "sidecar labels"
expect_eq "$(head -1 "$T/side.jsonl" | jq -r '.record, .pipeline' | tr '\n' ,)" "1,verify," "sidecar provenance"

# Output to what is not a regular file goes straight there.
$WHITTLE step mark "$demo" -o /dev/null || fail "-o /dev/null"
[ -c /dev/null ] || fail "/dev/null replaced"
# Through a symbolic link: the file it names gets the records.
: >"$T/named.jsonl"
ln -s "$T/named.jsonl" "$T/via.jsonl"
$WHITTLE step mark tag=n "$demo" -o "$T/via.jsonl" || fail "-o a link"
[ -L "$T/via.jsonl" ] || fail "the link was replaced"
cmp -s "$T/m1.jsonl" "$T/named.jsonl" || fail "the file named by the link"

# On a terminal a run ends with what it did; elsewhere it is quiet.
expect_eq "$($WHITTLE step thinkfree "$demo" -o "$T/quiet.jsonl" 2>&1)" "" "quiet off a terminal"
expect_eq "$(wc -l <"$T/quiet.jsonl")" 15 "thinkfree drops the record without an answer"
if command -v tmux >/dev/null; then
	tmux -S "$T/tty.sock" -f /dev/null new-session -d -x 150 -y 10 \
		"'$WHITTLE' step thinkfree '$demo' -o '$T/tty.jsonl'; sleep 10"
	want="whittle: 16 records: 15 kept, 1 dropped, 0 split; 15 output(s) to $T/tty.jsonl"
	for _ in $(seq 100); do
		tmux -S "$T/tty.sock" capture-pane -p -t 0 | grep -qF "$want" && break
		sleep 0.1
	done
	tmux -S "$T/tty.sock" capture-pane -p -t 0 | grep -qF "$want" ||
		fail "the summary on a terminal: $(tmux -S "$T/tty.sock" capture-pane -p -t 0)"
	tmux -S "$T/tty.sock" kill-server
fi

# Dry run: a summary, no output.
$WHITTLE step mark --dry-run --tokenizer "$tok" "$demo" >"$T/dry" || fail "dry run"
grep -q '^kept  *11$' "$T/dry" || fail "dry run kept"
grep -q '^dropped  *3$' "$T/dry" || fail "dry run dropped"
grep -q '^split  *2$' "$T/dry" || fail "dry run split"
grep -q '^tokens ' "$T/dry" || fail "dry run tokens"

# A pipeline file.
cat >"$T/p.lua" <<'LUA'
return { name = "two", steps = { { "mark", tag = "a" }, { "thinkfree" } } }
LUA
$WHITTLE run "$T/p.lua" "$demo" -o "$T/p.jsonl" -j 2 || fail "run"
expect_eq "$(jq -r '.whittle.steps | map(.name) | join(",")' "$T/p.jsonl" | sort -u)" "mark,thinkfree" "pipeline provenance"
expect_eq "$(jq -r .thinking "$T/p.jsonl" | sort -u)" "" "pipeline ran thinkfree"
# A pipeline's dry run says what each step did, whatever the threads; one
# step's says it once.
for j in 1 3; do
	$WHITTLE run "$T/p.lua" --dry-run -j $j "$demo" >"$T/dry" || fail "pipeline dry run -j $j"
	expect_eq "$(grep '^step ' "$T/dry" | tr -s ' ')" \
		"$(printf 'step 1 mark: 16 in, 15 out, 3 dropped\nstep 2 thinkfree: 15 in, 13 out, 2 dropped')" \
		"the steps' counts, -j $j"
done
$WHITTLE step mark --dry-run "$demo" | grep -q '^step ' && fail "one step's dry run lists it"

# A step file named by a path (with a /): in a pipeline, relative to the
# pipeline file's folder; on the command line, to the current one.
mkdir -p "$T/proj/steps"
cat >"$T/proj/steps/first.lua" <<'LUA'
return { name = "first", summary = "the first paragraph as a field",
	params = { { name = "prefix", type = "string", default = "Thought: ", doc = "before it" } },
	run = function(t, p) t.first = p.prefix .. t.thinking:match("^(.-)\n\n") return t end }
LUA
printf 'return { { "verify" }, { "steps/first.lua", prefix = "T: " } }\n' >"$T/proj/p.lua"
(cd "$T" && $WHITTLE run proj/p.lua "$demo" -o "$T/pf.jsonl") || fail "a pipeline naming a step file"
expect_eq "$(head -1 "$T/pf.jsonl" | jq -c '[(.first | .[0:13]), [.whittle.steps[].name]]')" \
	'["T: Okay, so I",["verify","first"]]' "a step file in a pipeline"
(cd "$T/proj" && $WHITTLE step ./steps/first.lua "$demo" -o "$T/sf.jsonl") || fail "whittle step ./FILE"
expect_eq "$(head -1 "$T/sf.jsonl" | jq -c '[(.first | .[0:15]), .whittle.pipeline]')" \
	'["Thought: Okay, ","first"]' "whittle step ./FILE"
$WHITTLE step first.lua "$demo" -o "$T/x" 2>"$T/err"; expect_eq $? 1 "a step file without a /"
expect_eq "$(cat "$T/err")" "whittle: no step named 'first.lua' (a step file is named by a path with a /: ./first.lua)" \
	"the hint for a file name"
printf 'return { { "steps/none.lua" } }\n' >"$T/proj/bad.lua"
$WHITTLE run "$T/proj/bad.lua" "$demo" -o "$T/x" 2>"$T/err"; expect_eq $? 1 "a missing step file"
grep -qF "cannot open $T/proj/steps/none.lua" "$T/err" || fail "a missing step file: $(cat "$T/err")"
# A value JSON cannot hold, left by one step of a pipeline and passed on
# by the next: the message names the step that left it, and the record.
cat >"$T/proj/fn.lua" <<'LUA'
return { name = "leaves-fn", summary = "leaves a function in the trace", params = {},
	run = function(t) t.extra = { f = print } return t end }
LUA
cat >"$T/proj/pass.lua" <<'LUA'
return { name = "passes", summary = "gives the trace on", params = {},
	run = function(t) return t end }
LUA
printf 'return { { "verify" }, { "./fn.lua" }, { "./pass.lua" } }\n' >"$T/proj/fnp.lua"
(cd "$T/proj" && $WHITTLE run fnp.lua "$demo" -o "$T/x") 2>"$T/err"; expect_eq $? 1 "a value JSON cannot hold"
expect_eq "$(head -n 1 "$T/err")" \
	"whittle: ./fn.lua: step leaves-fn: cannot write a function as JSON (at .extra.f) (record at line 1)" \
	"the step that left a value JSON cannot hold"
# A pipeline in the current folder naming ./FILE: the file is named once,
# as the user wrote it, not as ././FILE.
printf 'return { { "./steps/none.lua" } }\n' >"$T/proj/here.lua"
(cd "$T/proj" && $WHITTLE run here.lua "$demo" -o "$T/x") 2>"$T/err"; expect_eq $? 1 "a missing ./ step file"
expect_eq "$(cat "$T/err")" "whittle: here.lua: cannot open ./steps/none.lua: No such file or directory" \
	"a ./ step file's path in a message"

# A split into no pieces (an empty list) drops the trace, as nil does.
cat >"$XDG_CONFIG_HOME/whittle/steps/pieces.lua" <<'LUA'
return { name = "pieces", summary = "no pieces for even records", params = {},
	run = function(t) return t.index % 2 == 0 and {} or { t } end }
LUA
$WHITTLE step pieces "$demo" -o "$T/pieces.jsonl" || fail "step pieces"
expect_eq "$(jq -r .question "$T/pieces.jsonl" | grep -c '^null$')" 0 "an empty list writes no empty record"
expect_eq "$(wc -l <"$T/pieces.jsonl")" 8 "an empty list drops the trace"
rm "$XDG_CONFIG_HOME/whittle/steps/pieces.lua"

# Bad scripts: errors name file, line and record, and stop nothing else.
cat >"$XDG_CONFIG_HOME/whittle/steps/boom.lua" <<'LUA'
return {
	name = "boom", summary = "fail on record 3", params = {},
	run = function(t)
		if t.index == 3 then error("boom") end
		if t.index == 4 then return 42 end
		return t
	end,
}
LUA
$WHITTLE step boom "$demo" -o "$T/b.jsonl" 2>"$T/err"; expect_eq $? 1 "failing records"
expect_eq "$(wc -l <"$T/b.jsonl")" 14 "the other records are written"
grep -q 'boom.lua:4: boom (record at line 3)' "$T/err" || fail "error names file, line, record: $(cat "$T/err")"
grep -q 'step boom returned a number' "$T/err" || fail "wrong return type"
grep -q "^whittle: 2 of 16 record(s) failed; $T/b.jsonl holds the 14 output(s) of the others\$" "$T/err" ||
	fail "the count of failed records: $(cat "$T/err")"
# Every record failing alike: three shown, then a count; the output untouched.
cat >"$XDG_CONFIG_HOME/whittle/steps/allfail.lua" <<'LUA'
return { name = "allfail", summary = "fail always", params = {},
	run = function(t) error("no") end }
LUA
echo keep >"$T/kept.jsonl"
$WHITTLE step allfail "$demo" -o "$T/kept.jsonl" 2>"$T/err"; expect_eq $? 1 "every record fails"
expect_eq "$(cat "$T/kept.jsonl")" keep "an output where every record failed is untouched"
expect_eq "$(grep -c 'allfail.lua:2: no (record at line' "$T/err")" 3 "the first three errors shown"
grep -q '^whittle: the same error for 13 more record(s), the first at line 4, the last at line 16$' "$T/err" ||
	fail "the rest counted: $(cat "$T/err")"
grep -q "^whittle: every record failed (16); $T/kept.jsonl is untouched$" "$T/err" || fail "every record failed"
rm "$XDG_CONFIG_HOME/whittle/steps/allfail.lua"

# A required parameter left out: one error before any record, no output.
$WHITTLE step mix "$demo" -o "$T/mix.jsonl" 2>"$T/err"; expect_eq $? 1 "mix without long="
expect_eq "$(cat "$T/err")" "whittle: step mix needs long=... (the long-CoT dataset)" "required parameter"
[ -e "$T/mix.jsonl" ] && fail "a run refused up front left an output"
$WHITTLE steps mix | grep -q "^  long  *string  *(required)$" || fail "steps shows the parameter as required"

# An output named .gz is compressed.
$WHITTLE step mark tag=n "$demo" -o "$T/m1.jsonl.gz" || fail "step to .gz"
zcat "$T/m1.jsonl.gz" | cmp -s - "$T/m1.jsonl" || fail "the .gz output holds other records"

# Bad input records are skipped, and said to be.
{ head -2 "$demo"; echo '{"messages": 5}'; } >"$T/some-bad.jsonl"
$WHITTLE step mark "$T/some-bad.jsonl" -o "$T/sb.jsonl" 2>"$T/err" || fail "a bad record stops a run"
expect_eq "$(wc -l <"$T/sb.jsonl")" 2 "the good records are written"
grep -qx "whittle: skipped 1 bad records of $T/some-bad.jsonl (whittle stats lists them)" "$T/err" ||
	fail "the bad record is not mentioned: $(cat "$T/err")"

# A run ended by SIGTERM leaves no temp file beside its output.
cat >"$XDG_CONFIG_HOME/whittle/steps/slow.lua" <<'LUA'
return { name = "slow", summary = "take a while", params = {},
	run = function(t) local x = 0 for i = 1, 3e7 do x = x + i end return t end }
LUA
$WHITTLE step slow "$demo" -o "$T/slow.jsonl" 2>/dev/null &
pid=$!
i=0
while [ $i -lt 200 ] && ! ls "$T"/slow.jsonl.whittle-tmp.* >/dev/null 2>&1; do sleep 0.05; i=$((i + 1)); done
ls "$T"/slow.jsonl.whittle-tmp.* >/dev/null 2>&1 || fail "no temp file while the run writes"
kill -TERM $pid
wait $pid; expect_eq $? 143 "the run ends by SIGTERM"
ls "$T"/slow.jsonl* >/dev/null 2>&1 && fail "an interrupted run left $(ls "$T"/slow.jsonl*)"
rm "$XDG_CONFIG_HOME/whittle/steps/slow.lua"
printf 'return { name = "syntax", summary = "s", run = function( end }\n' \
	>"$XDG_CONFIG_HOME/whittle/steps/syntax.lua"
$WHITTLE steps >"$T/out" 2>"$T/err"; expect_eq $? 1 "syntax error"
grep -q 'syntax.lua:1:' "$T/err" || fail "syntax error names file and line"
# A broken step file breaks its own step, not the others: they are listed
# and run; its step, and a shipped one its name hides, give its message.
grep -q '^verify ' "$T/out" || fail "the other steps listed beside a broken file: $(cat "$T/out")"
$WHITTLE steps syntax 2>"$T/err"; expect_eq $? 1 "showing a broken step"
grep -qx 'whittle: .*syntax.lua:1: .*' "$T/err" || fail "showing a broken step: $(cat "$T/err")"
$WHITTLE step verify "$demo" -o "$T/v0.jsonl" 2>"$T/err" || fail "a broken step file stops verify: $(cat "$T/err")"
$WHITTLE step syntax "$demo" -o "$T/s0.jsonl" 2>"$T/err"; expect_eq $? 1 "running a broken step"
grep -q 'syntax.lua:1:' "$T/err" || fail "running a broken step: $(cat "$T/err")"
cp "$XDG_CONFIG_HOME/whittle/steps/syntax.lua" "$XDG_CONFIG_HOME/whittle/steps/verify.lua"
$WHITTLE step verify "$demo" -o "$T/v0.jsonl" 2>"$T/err" && fail "a broken verify.lua falls back to the shipped verify"
grep -q 'steps/verify.lua:1:' "$T/err" || fail "a broken override: $(cat "$T/err")"
rm "$XDG_CONFIG_HOME/whittle/steps/syntax.lua" "$XDG_CONFIG_HOME/whittle/steps/verify.lua"

# The sandbox and the instruction limit.
for code in 'os.execute("touch '"$T"'/pwned")' 'io.open("'"$T"'/pwned", "w")' \
    'io.popen("true")' 'package.loadlib("x", "y")'; do
	printf 'return { name = "evil", summary = "e", run = function(t) %s return t end }\n' \
		"$code" >"$XDG_CONFIG_HOME/whittle/steps/evil.lua"
	$WHITTLE step evil "$demo" -o "$T/e.jsonl" 2>"$T/err"; expect_eq $? 1 "sandbox refuses $code"
	[ -e "$T/pwned" ] && fail "sandbox let $code through"
done
printf 'return { name = "evil", summary = "e", run = function(t) os.execute("touch %s") return t end }\n' \
	"$T/pwned" >"$XDG_CONFIG_HOME/whittle/steps/evil.lua"
$WHITTLE step evil --trust "$demo" -o - >/dev/null 2>&1
[ -e "$T/pwned" ] || fail "--trust lifts the sandbox"
printf 'return { name = "evil", summary = "e", run = function(t) while true do end end }\n' \
	>"$XDG_CONFIG_HOME/whittle/steps/evil.lua"
$WHITTLE step evil --max-instructions 100000 "$demo" -o "$T/e.jsonl" 2>"$T/err"
expect_eq $? 1 "runaway step"
grep -q 'evil.lua:1: instruction limit of 100000 exceeded' "$T/err" ||
	fail "the instruction limit names the step's file and line"
rm "$XDG_CONFIG_HOME/whittle/steps/evil.lua" "$XDG_CONFIG_HOME/whittle/steps/boom.lua"

# A run's output read by another run keeps its labels (the map names the
# flat fields until the data layer detects them).
$WHITTLE step verify "$demo" -o "$T/v.jsonl" || fail "verify"
flat=question=/question,thinking=/thinking,answer=/answer,gold=/gold
$WHITTLE step filter 'expr=correct == true' --map "$flat" "$T/v.jsonl" -o "$T/f.jsonl" || fail "chained filter"
expect_eq "$(wc -l <"$T/f.jsonl")" "$(jq 'select(.labels.correct == true)' -c "$T/v.jsonl" | wc -l)" "labels carried over"

# Every shipped step is listed and has its Lua test.
for f in "$SRCDIR"/lua/whittle/steps/*.lua; do
	name=$(basename "$f" .lua)
	$WHITTLE steps | grep -q "^$name " || fail "steps lists $name"
	[ -f "$SRCDIR/tests/lua/test-$name.lua" ] || fail "no Lua test for step $name"
done

# The DLCoT pipeline on real traces: same bytes with 1 and 2 threads.
need_data_or_demo() {
	f="$DATA/HuangZhen02__longCOT-example/limo_deepseek-r1-distill-qwen-32b.jsonl"
	[ -f "$f" ] && echo "$f" || echo "$demo"
}
real=$(need_data_or_demo)
pipe="$SRCDIR/lua/whittle/pipelines/dlcot.lua"
$WHITTLE run "$pipe" --tokenizer "$tok" "$real" -o "$T/d1.jsonl" 2>"$T/err" || fail "dlcot: $(head -3 "$T/err")"
$WHITTLE run "$pipe" --tokenizer "$tok" -j 2 "$real" -o "$T/d2.jsonl" || fail "dlcot -j 2"
cmp -s "$T/d1.jsonl" "$T/d2.jsonl" || fail "dlcot: 2 threads give other bytes"
[ -s "$T/d1.jsonl" ] || fail "dlcot wrote nothing"
head -1 "$T/d1.jsonl" | jq -e '(.messages | length) == 2 and (.input_ids | length) == (.loss_mask | length) and .labels.correct == true and .whittle.pipeline == "dlcot"' >/dev/null ||
	fail "dlcot output record"
$WHITTLE run "$pipe" --dry-run --tokenizer "$tok" "$real" >"$T/dry" || fail "dlcot dry run"
grep -q '^tokens ' "$T/dry" || fail "dlcot dry run tokens"

done_test

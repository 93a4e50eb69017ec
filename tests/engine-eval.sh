# Evaluation as an engine job: one Lua file curates a training set, trains
# a small model with wh.train and grades it with wh.eval (the latest
# checkpoint of the training run's handle); the accuracy and tokens it reads
# back are those of whittle eval run by hand. `whittle engine submit eval`
# gives the same metrics with its progress; runs, watch and runs --json
# show them; bad evaluations fail in Lua, at submit, or in the run's log,
# which ends with the engine's line saying so.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/engine/lib.sh"
export XDG_CONFIG_HOME="$T/config"

mkdir "$T/work"
cd "$T/work"
# Raw data: the six sums twice over, and lines without an answer, which
# the script leaves out.
sums="12 34|25 17|41 23|30 39|52 16|44 44"
for copy in 1 2; do
	echo "$sums" | tr '|' '\n' | while read -r a b; do
		printf '{"prompt": "%d+%d\\n\\n", "completion": "\\\\boxed{%d}"}\n' "$a" "$b" $((a + b))
		printf '{"prompt": "%d-%d\\n\\n", "completion": "no idea"}\n' "$a" "$b"
	done
done >raw.jsonl
cat >eval.jsonl <<'END'
{"question": "12+34", "thinking": "", "answer": "", "gold": "46"}
{"question": "25+17", "thinking": "", "answer": "", "gold": "43"}
{"question": "41+23", "thinking": "", "answer": "", "gold": "64"}
{"question": "30+39", "thinking": "", "answer": "", "gold": "69"}
{"question": "52+16", "thinking": "", "answer": "", "gold": "67"}
{"question": "44+44", "thinking": "", "answer": "", "gold": "88"}
END

cat >pipeline.lua <<'LUA'
-- Curate, train, evaluate.
local wh = require "whittle"
local seen, kept = {}, {}
for line in io.lines("raw.jsonl") do
	if line:find("boxed", 1, true) and not seen[line] then
		seen[line] = true
		kept[#kept + 1] = line
	end
end
local f = assert(io.open("train.jsonl", "w"))
f:write(table.concat(kept, "\n"), "\n")
f:close()
print("curated", #kept)
local t = wh.train{ data = "train.jsonl", steps = 200, batch = 6, seq = 24, lr = 1e-2,
	warmup = 10, val_frac = 0, threads = 1, quiet = true, name = "student" }
print("trained", t:wait())
local e = wh.eval{ checkpoint = t, data = "eval.jsonl", threads = 1, name = "grade" }
print("evaluated", e:wait())
for _, name in ipairs{ "accuracy", "tokens_per_question", "tokens_per_correct" } do
	local m = e:metrics(name)
	print(name, #m, m[1].step, m[1].value)
end
print("log", (e:log():match("accuracy [0-9.]*")))
print("used", (e:log():match("whittle eval: [^\n]*")))
LUA
"$WHITTLE" lua pipeline.lua >"$T/out" 2>"$T/err" || fail "the pipeline: $(cat "$T/err")"
expect_eq "$(grep '^curated' "$T/out")" "curated	6" "curated records"
expect_eq "$(grep '^trained' "$T/out")" "trained	done" "trained"
expect_eq "$(grep '^evaluated' "$T/out")" "evaluated	done" "evaluated"
ck=$(ls -d "$RUNS"/*/checkpoints/checkpoint-200)
[ -f "$ck/DONE" ] || fail "no checkpoint-200 in the training run"
"$WHITTLE" eval "$ck" eval.jsonl --json >"$T/hand.json" || fail "eval by hand"
# The training run's folder stands for its latest checkpoint.
"$WHITTLE" eval "$(dirname "$ck")" eval.jsonl --json 2>"$T/which" | cmp -s - "$T/hand.json" ||
	fail "eval of the training run's folder"
grep -qx "whittle eval: $ck" "$T/which" || fail "the checkpoint taken: $(cat "$T/which")"
acc=$(jq .accuracy "$T/hand.json")
per_q=$(jq .tokens_per_question "$T/hand.json")
per_c=$(jq .tokens_per_correct "$T/hand.json")
expect_eq "$(grep '^accuracy' "$T/out")" "accuracy	1	6	$acc" "accuracy from Lua"
expect_eq "$(grep '^tokens_per_question' "$T/out")" "tokens_per_question	1	6	$per_q" \
	"tokens per question from Lua"
expect_eq "$(grep '^tokens_per_correct' "$T/out")" "tokens_per_correct	1	6	$per_c" \
	"tokens per correct answer from Lua"
grep -q "^log	accuracy 0\.[0-9]*$" "$T/out" || fail "the eval run's log: $(grep '^log' "$T/out")"
expect_eq "$(grep '^used' "$T/out")" "used	whittle eval: $ck" "the checkpoint graded"
expect_eq "$("$WHITTLE" runs --json | jq -r 'map(.name) | join(",")')" "student,grade" "the runs"

# The same as a job from the shell: progress, then the results at the
# last question's step, in watch, runs and the run's history.
id=$("$WHITTLE" engine submit eval "$ck" eval.jsonl -j 1) || fail "submit eval"
"$WHITTLE" watch --plain "$id" >"$T/points" || fail "eval run: $(cat "$RUNS/$id/log")"
grep -q '^0 max_steps 6$' "$T/points" || fail "max_steps: $(cat "$T/points")"
grep -q '^6 records 6$' "$T/points" || fail "records at the end: $(cat "$T/points")"
expect_eq "$(awk '$2 == "accuracy" { print $1, $3 }' "$T/points")" "6 $acc" "accuracy point"
expect_eq "$(awk '$2 == "questions" || $2 == "correct" { print $3 }' "$T/points" | tr '\n' ' ')" \
	"$(jq -r '"\(.questions) \(.correct) "' "$T/hand.json")" "questions and correct"
awk '$2 == "tokens_per_correct" { print $3 }' "$T/points" | grep -qx "$per_c" ||
	fail "tokens_per_correct point"
"$WHITTLE" runs | grep -q "^$id  *done .* eval checkpoint-200$" || fail "runs: $("$WHITTLE" runs)"
printf '%s\n' '{"v":1,"id":1,"op":"jobs"}' | "$WHITTLE" engine connect |
	grep -q "\"id\":\"$id\"[^}]*\"progress\":1,[^}]*\"accuracy\":$acc[,}]" ||
	fail "progress and accuracy of the eval run"
grep -q '"name":"accuracy"' "$RUNS/$id/metrics.jsonl" || fail "accuracy not in metrics.jsonl"

# Errors: a checkpoint that is no training run, or none at all, is a Lua
# error; a missing checkpoint fails the run with the reason in its log.
cat >bad.lua <<'LUA'
local wh = require "whittle"
local j = wh.job{ "true" }
j:wait()
print("notrain", pcall(wh.eval, { checkpoint = j, data = "eval.jsonl" }))
print("nockpt", pcall(wh.eval, { data = "eval.jsonl" }))
print("nodata", pcall(wh.eval, { checkpoint = "x" }))
local e = wh.eval{ checkpoint = "no-such-checkpoint", data = "eval.jsonl" }
print("missing", e:wait())
LUA
"$WHITTLE" lua bad.lua >"$T/out" 2>"$T/err" || fail "bad.lua: $(cat "$T/err")"
grep -q '^notrain	false	.*is not a training run' "$T/out" || fail "$(grep notrain "$T/out")"
grep -q '^nockpt	false	.*needs checkpoint' "$T/out" || fail "$(grep nockpt "$T/out")"
grep -q '^nodata	false	.*needs data' "$T/out" || fail "$(grep nodata "$T/out")"
expect_eq "$(grep '^missing' "$T/out")" "missing	failed" "a missing checkpoint"
id=$("$WHITTLE" runs --json | jq -r 'last | .id')
grep -q "no-such-checkpoint" "$RUNS/$id/log" || fail "the failed eval's log: $(cat "$RUNS/$id/log")"
expect_eq "$(tail -n 1 "$RUNS/$id/log")" "whittle: job $id failed: exited with status 1" \
	"the failed eval's log ends with the engine's line"
# A dataset that does not exist is refused at submit (a checkpoint is not
# checked: a training run queued before may write it).
"$WHITTLE" engine submit eval no-such-checkpoint no-such.jsonl 2>"$T/err" &&
	fail "an eval of a missing dataset was taken"
grep -q "no-such.jsonl: cannot open" "$T/err" || fail "eval refused with: $(cat "$T/err")"
cd "$T"
stop_engine
done_test

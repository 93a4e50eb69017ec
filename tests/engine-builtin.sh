# The builtin backend: whittle train as a run (metrics, progress,
# checkpoints in the run's folder), a training run interrupted by kill -9
# of the engine and resumed to the same weights as a run never stopped,
# and Lua pipeline jobs (whittle step, whittle run) with their progress.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/engine/lib.sh"
export XDG_CONFIG_HOME="$T/config"
demo="$EXAMPLES/demo-r1-messages.jsonl"

mkdir "$T/work"
cd "$T/work"
for i in $(seq 1 30); do
	printf '{"prompt": "%d+%d=", "completion": "%d"}\n' "$i" "$i" $((i + i))
done >add.jsonl
args="--batch 2 --seq 24 --warmup 1 -j 1 --quiet"

# A short training run.
id=$("$WHITTLE" engine submit train add.jsonl $args --steps 6 --eval-every 3) ||
	fail "submit train"
"$WHITTLE" watch --plain "$id" >"$T/points" || fail "train run: $(cat "$RUNS/$id/log")"
expect_eq "$(grep -c ' loss ' "$T/points")" 6 "a loss point a step"
expect_eq "$(grep -c ' eval_loss ' "$T/points")" 2 "eval losses"
grep -q '^0 max_steps 6$' "$T/points" || fail "max_steps point"
for m in learning_rate grad_norm tokens_per_second; do
	grep -q "^6 $m " "$T/points" || fail "no $m at step 6"
done
[ -f "$RUNS/$id/checkpoints/checkpoint-6/DONE" ] || fail "checkpoint in the run's folder"
"$WHITTLE" runs | grep -q "^$id  *done .* train add.jsonl$" || fail "runs: $("$WHITTLE" runs)"
"$WHITTLE" runs show "$id" | grep -q "command:  train add.jsonl" || fail "runs show command"
# run.json records the dataset as it was: its path, size and time.
expect_eq "$(jq -c '.data | map([.path, .bytes, .provenance])' "$RUNS/$id/run.json")" \
	"[[\"$PWD/add.jsonl\",$(wc -c <add.jsonl),null]]" "the training run's dataset"
jq -e '.data[0].modified > 0' "$RUNS/$id/run.json" >/dev/null || fail "the dataset's time"
"$WHITTLE" runs show "$id" | grep -qx "data:     $PWD/add.jsonl ($(wc -c <add.jsonl) bytes)" ||
	fail "runs show data: $("$WHITTLE" runs show "$id")"
"$WHITTLE" runs resume "$id" 2>"$T/err" && fail "resume of a done run"
grep -q "is done" "$T/err" || fail "resume of a done run: $(cat "$T/err")"
# generate, eval and losses take the run's id or folder for its latest
# checkpoint, and name it.
ck="$RUNS/$id/checkpoints/checkpoint-6"
for run in "$id" "$RUNS/$id"; do
	"$WHITTLE" generate "$run" "1+1=" --max-new 2 >/dev/null 2>"$T/err" || fail "generate $run: $(cat "$T/err")"
	expect_eq "$(head -n 1 "$T/err")" "whittle generate: $ck" "the checkpoint of $run"
done
"$WHITTLE" losses "$id" add.jsonl -o "$T/losses" 2>"$T/err" || fail "losses of a run id: $(cat "$T/err")"
expect_eq "$(cat "$T/err")" "whittle losses: $ck" "the checkpoint losses takes"

# Bad jobs are refused at submit (tests/engine-check.sh checks their
# arguments).
"$WHITTLE" engine submit -- true >/dev/null || fail "exec job"
printf '%s\n' '{"v":1,"id":1,"op":"submit","job":{"backend":"builtin","argv":["engine","stop"]}}' |
	"$WHITTLE" engine connect | grep -q '"code":"bad-job".*runs train, eval, run, step or lua' ||
	fail "builtin runs only train, eval, run, step"

# Interrupted: the trainer is held after its first checkpoints, the engine
# is killed, a new engine marks the run interrupted, and resume takes it
# from its latest checkpoint to the end. The weights equal those of a run
# never stopped, and every step has its points once.
long="$args --steps 200 --save-every 20"
# 200 steps take a third of a second with OpenBLAS: the trainer is found
# by one grep over every process's arguments (the escaped dot keeps grep
# from finding its own), stopped at once, then let run in slices of 20 ms
# until checkpoint-20 is written.
id=$("$WHITTLE" engine submit --name long train add.jsonl $long)
trainer=""
find_trainer() {
	trainer=$(grep -l -a -z -x "$RUNS/$id/child-metrics\.jsonl" /proc/[0-9]*/cmdline \
		2>/dev/null | head -n 1 | cut -d/ -f3)
	[ -n "$trainer" ]
}
wait_for 60 find_trainer || fail "the trainer process was not found"
kill -STOP "$trainer"
slices=0
until [ -f "$RUNS/$id/checkpoints/checkpoint-20/DONE" ] || [ "$slices" -ge 3000 ]; do
	kill -CONT "$trainer"
	sleep 0.02
	kill -STOP "$trainer"
	slices=$((slices + 1))
done
[ -f "$RUNS/$id/checkpoints/checkpoint-20/DONE" ] || fail "no checkpoint-20"
[ -f "$RUNS/$id/checkpoints/checkpoint-200/DONE" ] && fail "the run ended before the test held it"
wait_for 5 eval '"$WHITTLE" runs | grep -q "^$id  *running  *[0-9]*% "' ||
	fail "progress of a running train job: $("$WHITTLE" runs)"
pid=$(engine_pid)
kill -9 "$pid" "$trainer"
wait_for 5 eval "! kill -0 $pid 2>/dev/null" || fail "the engine outlived kill -9"
"$WHITTLE" engine start >/dev/null || fail "restart"
state_is "$id" interrupted || fail "after kill -9: $(run_state "$id")"
"$WHITTLE" runs resume "$id" >/dev/null || fail "runs resume"
"$WHITTLE" watch --plain "$id" >"$T/long" || fail "resumed run: $(cat "$RUNS/$id/log")"
state_is "$id" done || fail "resumed state: $(run_state "$id")"
printf '%s\n' '{"v":1,"id":1,"op":"jobs"}' | "$WHITTLE" engine connect |
	grep -q "\"id\":\"$id\"[^}]*\"progress\":1[,}]" || fail "progress of the resumed run"
# It also says where this start began (the step the history had reached,
# of 200), which the Runs view's ETA counts from.
printf '%s\n' '{"v":1,"id":1,"op":"jobs"}' | "$WHITTLE" engine connect | jq -r --arg id "$id" \
	'.jobs[]? | select(.id == $id) | .progress_start' >"$T/start"
awk '{ exit !($1 >= 0.1 && $1 < 1) }' "$T/start" || fail "progress_start of the resumed run: $(cat "$T/start")"
expect_eq "$(awk '$2 == "loss" { print $1 }' "$T/long" | sort -n | uniq | wc -l)" 200 "steps with a loss"
expect_eq "$(grep -c ' loss ' "$T/long")" 200 "loss points (none twice)"
"$WHITTLE" train add.jsonl --out "$T/straight" $long || fail "the uninterrupted run"
cmp -s "$T/straight/checkpoint-200/model.safetensors" \
	"$RUNS/$id/checkpoints/checkpoint-200/model.safetensors" ||
	fail "the resumed run's weights differ from an uninterrupted run's"
# Its batches file, in the run's folder, names each step once, as the
# uninterrupted run's does (a header line, then steps 1..200 in order).
expect_eq "$(grep -c '^{"step":' "$RUNS/$id/batches.jsonl")" 200 "batch lines (none twice)"
cmp -s "$T/straight/batches.jsonl" "$RUNS/$id/batches.jsonl" ||
	fail "the resumed run's batches differ from an uninterrupted run's"
# Cancel stops the trainer; the run can then be resumed.
id=$("$WHITTLE" engine submit train add.jsonl $args --steps 100000 --save-every 0)
wait_for 30 grep -q '"name":"loss"' "$RUNS/$id/metrics.jsonl" || fail "the long run has no loss"
trainer="$(readlink -f "$WHITTLE") train add.jsonl $args --steps 100000 --save-every 0 --metrics $RUNS/$id/child-metrics.jsonl --out $RUNS/$id/checkpoints --batches $RUNS/$id/batches.jsonl"
running "$trainer" || fail "the trainer's command line"
# cancel returns once the run has ended, and says how.
expect_eq "$("$WHITTLE" cancel "$id")" "$id: cancelled" "cancel of a running train run"
state_is "$id" cancelled || fail "train run not cancelled: $(run_state "$id")"
wait_for 5 eval '! running "$trainer"' || fail "cancel left the trainer running"

id=$("$WHITTLE" engine submit -- sleep 30)
wait_for 5 state_is "$id" running || fail "exec job not running"
"$WHITTLE" cancel "$id" >/dev/null
wait_for 10 state_is "$id" cancelled || fail "cancel"
"$WHITTLE" runs resume "$id" 2>"$T/err" && fail "resume of an exec run"
grep -q "cannot be resumed" "$T/err" || fail "resume exec: $(cat "$T/err")"

# Lua jobs: a step and a pipeline over a dataset give what the commands
# give run by hand, with their progress as points.
id=$("$WHITTLE" engine submit step thinkfree "$demo" -o step.jsonl)
"$WHITTLE" watch --plain "$id" >"$T/step" || fail "step job: $(cat "$RUNS/$id/log")"
"$WHITTLE" step thinkfree "$demo" -o "$T/step.jsonl" || fail "step by hand"
cmp -s step.jsonl "$T/step.jsonl" || fail "the step job wrote other bytes"
n=$(wc -l <"$demo")
grep -q "^[0-9]* max_steps $n$" "$T/step" || fail "step job: no max_steps $n: $(cat "$T/step")"
grep -q "^$n records $n$" "$T/step" || fail "step job: records at the end: $(cat "$T/step")"
"$WHITTLE" runs | grep -q "^$id  *done .* step thinkfree$" || fail "step job name: $("$WHITTLE" runs)"
printf 'return { name = "p", steps = { { "verify" }, { "thinkfree" } } }\n' >pipe.lua
id=$("$WHITTLE" engine submit run pipe.lua "$demo" -o run.jsonl)
"$WHITTLE" watch --plain "$id" >"$T/run" || fail "run job: $(cat "$RUNS/$id/log")"
"$WHITTLE" run pipe.lua "$demo" -o "$T/run.jsonl" || fail "run by hand"
cmp -s run.jsonl "$T/run.jsonl" || fail "the run job wrote other bytes"
grep -q "^$n records $n$" "$T/run" || fail "run job progress"
# A job on what a pipeline wrote records the pipeline that made it.
id=$("$WHITTLE" engine submit step thinkfree run.jsonl -o again.jsonl)
"$WHITTLE" watch --plain "$id" >/dev/null || fail "step on the pipeline's output"
expect_eq "$(jq -c '.data[0].provenance | [.pipeline, (.steps | map(.name)), .record]' "$RUNS/$id/run.json")" \
	'["p",["verify","thinkfree"],null]' "the pipeline's provenance"
"$WHITTLE" runs show "$id" | grep -q "^data: .*run.jsonl ([0-9]* bytes), from pipeline p: verify thinkfree (seed 0, whittle " ||
	fail "runs show provenance: $("$WHITTLE" runs show "$id")"

# A builtin job runs the engine's own binary, even once the file the engine
# was started from is gone (an upgrade or a rebuild replaced it).
stop_engine
cp "$WHITTLE" "$T/whittle-old"
"$T/whittle-old" engine start >/dev/null || fail "an engine started from a copy"
rm "$T/whittle-old"
id=$("$WHITTLE" engine submit train add.jsonl $args --steps 2) || fail "submit to the engine of a removed binary"
"$WHITTLE" watch --plain "$id" >/dev/null ||
	fail "a builtin job once the engine's binary is removed: $(tail -2 "$RUNS/$id/log")"
cd "$T"
stop_engine
done_test

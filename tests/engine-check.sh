# Builtin jobs are checked at submit as their command checks its
# arguments: a bad option or value, a missing dataset, pipeline or script,
# a step or parameter that does not exist are refused with the command's
# own message and exit status 2, and no run is made; relative paths are
# taken from the job's folder; good jobs are taken and run, and an eval of
# a checkpoint a queued training run has yet to write is taken.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/engine/lib.sh"
export XDG_CONFIG_HOME="$T/config"
demo="$EXAMPLES/demo-r1-messages.jsonl"

mkdir "$T/work" "$T/elsewhere"
cd "$T/work"
for i in $(seq 1 10); do
	printf '{"prompt": "%d+%d=", "completion": "%d"}\n' "$i" "$i" $((i + i))
done >add.jsonl
"$WHITTLE" engine start >/dev/null || fail "engine start"

# refused MESSAGE ARG...: `engine submit ARG...` is refused with MESSAGE
# and exit status 2, and makes no run.
refused() {
	want=$1
	shift
	before=$(ls "$RUNS" 2>/dev/null | wc -l)
	"$WHITTLE" engine submit "$@" >"$T/out" 2>"$T/err"
	expect_eq "$?" 2 "exit status of a refused '$*'"
	grep -qF -- "$want" "$T/err" || fail "'$*' refused with: $(cat "$T/err")"
	[ -s "$T/out" ] && fail "'$*' printed a run: $(cat "$T/out")"
	expect_eq "$(ls "$RUNS" 2>/dev/null | wc -l)" "$before" "runs made by a refused '$*'"
}
refused "whittle: --steps x: not a valid value; Try 'whittle train --help'." \
	train add.jsonl --steps x
refused "unknown option --bogus" train add.jsonl --bogus
refused "train takes one DATA file" train
refused "--hidden 30 is not a multiple of --heads 4" train add.jsonl --hidden 30 --heads 4
refused "--heads 4 is not a multiple of --kv-heads 3" train add.jsonl --heads 4 --kv-heads 3
refused "whittle: nosuch.jsonl: cannot open: No such file or directory" train nosuch.jsonl
refused "nope.jsonl: cannot open" train add.jsonl --eval-data nope.jsonl
refused "add.jsonl: not a folder" train add.jsonl --init add.jsonl
refused "nodata.jsonl: cannot open" eval ck nodata.jsonl
refused "eval takes a CHECKPOINT and a DATASET" eval ck
refused "--limit 0: a positive count" eval ck add.jsonl --limit 0
refused "no step named 'nosuchstep'" step nosuchstep "$demo" -o o.jsonl
refused "step thinkfree has no parameter bad" step thinkfree bad=1 "$demo" -o o.jsonl
refused "give the output file with -o" step thinkfree "$demo"
refused "nodata.jsonl: cannot open" step thinkfree nodata.jsonl -o o.jsonl
refused "nosuch.lua: cannot open" run nosuch.lua "$demo" -o o.jsonl
refused "step truncate: fraction is in (0, 1], not 2" step truncate fraction=2 "$demo" -o o.jsonl
refused "step difficulty: it counts tokens: give --tokenizer" step difficulty "$demo" -o o.jsonl
printf 'return { name = "p", steps = { { "nosuchstep" } } }\n' >bad.lua
refused "nosuchstep" run bad.lua "$demo" -o o.jsonl
refused "nosuch.lua: cannot open" lua nosuch.lua

# Through the protocol: a bad-job error with the message; paths are the
# job's folder's ("cwd").
printf '%s\n' "{\"v\":1,\"id\":1,\"op\":\"submit\",\"job\":{\"backend\":\"builtin\",\"argv\":[\"train\",\"add.jsonl\"],\"cwd\":\"$T/elsewhere\"}}" |
	"$WHITTLE" engine connect >"$T/reply"
grep -q '"code":"bad-job","message":"add.jsonl: cannot open: No such file or directory"' "$T/reply" ||
	fail "the protocol's refusal: $(cat "$T/reply")"

# Good jobs are taken: the check runs in the job's folder, and a user's
# own step counts as a step.
mkdir -p "$XDG_CONFIG_HOME/whittle/steps"
cat >"$XDG_CONFIG_HOME/whittle/steps/mine.lua" <<'LUA'
return { name = "mine", summary = "keep every record", run = function(t) return t end }
LUA
id=$("$WHITTLE" engine submit train add.jsonl --steps 2 --batch 2 --seq 24 --warmup 1 -j 1 --quiet) ||
	fail "a good train job: $(cat "$T/err")"
"$WHITTLE" watch --plain "$id" >/dev/null || fail "the train job: $(cat "$RUNS/$id/log")"
id=$("$WHITTLE" engine submit step mine "$demo" -o mine.jsonl) || fail "a user's step"
"$WHITTLE" watch --plain "$id" >/dev/null || fail "the user's step: $(cat "$RUNS/$id/log")"
expect_eq "$(wc -l <mine.jsonl)" "$(wc -l <"$demo")" "the user's step's output"
# A step that counts tokens, given --tokenizer, passes the step's check.
id=$("$WHITTLE" engine submit step difficulty --tokenizer "$SRCDIR/tests/tokenizer/tiny-qwen.json" \
	"$demo" -o diff.jsonl) || fail "a step with its tokenizer"
"$WHITTLE" watch --plain "$id" >/dev/null || fail "the difficulty step: $(cat "$RUNS/$id/log")"
# One job at a time: the eval waits behind the training run that writes
# its checkpoint.
"$WHITTLE" engine submit -- sleep 1 >/dev/null
id=$("$WHITTLE" engine submit train add.jsonl --out later --steps 2 --batch 2 --seq 24 \
	--warmup 1 -j 1 --quiet) || fail "a queued train job"
state_is "$id" queued || fail "the train job should be queued: $(run_state "$id")"
[ -e later ] && fail "the checkpoint folder is there before the training"
id=$("$WHITTLE" engine submit eval later "$demo" --limit 1 --max-new 2 -j 1) ||
	fail "an eval of a checkpoint to come"
"$WHITTLE" watch --plain "$id" >/dev/null || fail "the eval of later: $(cat "$RUNS/$id/log")"
cd "$T"
stop_engine
done_test

# whittle train through the real binary: a run from scratch writes metrics
# and checkpoints; killed and resumed it ends with the same weights as an
# uninterrupted run; fine-tuning an HF checkpoint; bad input refused.
. "$SRCDIR/tests/lib.sh"

for i in $(seq 1 30); do
	printf '{"prompt": "%d+%d=", "completion": "%d"}\n' "$i" "$i" $((i + i))
done >"$T/add.jsonl"
args="--batch 2 --seq 24 --steps 6 --warmup 1 --save-every 2 --eval-every 3 -j 1 --quiet"

$WHITTLE train "$T/add.jsonl" --out "$T/a" $args || fail "train from scratch"
for f in config.json model.safetensors optimizer.safetensors state.json DONE; do
	[ -f "$T/a/checkpoint-6/$f" ] || fail "checkpoint-6 lacks $f"
done
expect_eq "$(jq -r .architectures[0] "$T/a/checkpoint-6/config.json")" LlamaForCausalLM "architecture"
expect_eq "$(jq -s 'map(select(.name == "loss")) | length' "$T/a/metrics.jsonl")" 6 "a loss a step"
expect_eq "$(jq -s 'map(select(.name == "eval_loss")) | length' "$T/a/metrics.jsonl")" 2 "eval losses"
jq -e 'has("step") and has("time") and has("tokens") and has("name") and has("value")' \
	"$T/a/metrics.jsonl" >/dev/null || fail "metric line fields"

# Killed after step 4's checkpoint, with step 6 half written: resume.
mkdir -p "$T/b"
cp -r "$T/a/checkpoint-2" "$T/a/checkpoint-4" "$T/b/"
mkdir "$T/b/checkpoint-6" "$T/b/.checkpoint-8.tmp"
cp "$T/a/checkpoint-6/model.safetensors" "$T/b/checkpoint-6/"
$WHITTLE train "$T/add.jsonl" --out "$T/b" --resume $args || fail "resume"
cmp -s "$T/a/checkpoint-6/model.safetensors" "$T/b/checkpoint-6/model.safetensors" ||
	fail "the resumed run's weights differ from the uninterrupted run's"
cmp -s "$T/a/checkpoint-6/optimizer.safetensors" "$T/b/checkpoint-6/optimizer.safetensors" ||
	fail "the resumed run's optimizer state differs"
[ "$(jq -s 'map(select(.name == "loss")) | .[0].step' "$T/b/metrics.jsonl")" = 5 ] ||
	fail "the resumed run did not start at step 5"
# At its last step already: nothing to train, and said.
$WHITTLE train "$T/add.jsonl" --out "$T/b" --resume $args --hidden 32 2>"$T/err" ||
	fail "resuming a finished run"
grep -q "checkpoint-6 is at step 6 already (--steps 6): nothing to train" "$T/err" ||
	fail "a finished run's resume: $(cat "$T/err")"
$WHITTLE train "$T/add.jsonl" --out "$T/b" --resume $args --steps 8 --seed 3 --hidden 32 2>"$T/err" &&
	fail "resuming with another seed"
grep -q "the checkpoint's shape is kept; the shape options given are ignored" "$T/err" ||
	fail "shape options on resume: $(cat "$T/err")"
grep -q "another batch" "$T/err" || fail "message for a mismatched resume"
# The same number of documents with other bytes is other data.
sed 's/=/ = /' "$T/add.jsonl" >"$T/add2.jsonl"
$WHITTLE train "$T/add2.jsonl" --out "$T/b" --resume $args --steps 8 2>"$T/err" &&
	fail "resuming on another data file"
grep -q "different data file" "$T/err" || fail "message for resuming on other data: $(cat "$T/err")"

# Without --quiet a line a step, and at the end the checkpoint it left.
$WHITTLE train "$T/add.jsonl" --out "$T/loud" --batch 2 --seq 24 --steps 2 -j 1 2>"$T/err" ||
	fail "train without --quiet"
expect_eq "$(grep -c '^step [12]/2  loss ' "$T/err")" 2 "a progress line a step"
expect_eq "$(tail -n 1 "$T/err")" "whittle: done: $T/loud/checkpoint-2 holds step 2" "the last line"

# A fresh run into a folder that holds a checkpoint is refused: its
# checkpoints would mix with the earlier training's (and eval take theirs).
cp "$T/b/checkpoint-6/model.safetensors" "$T/b6.safetensors"
$WHITTLE train "$T/add.jsonl" --out "$T/b" $args --hidden 32 2>"$T/err"
expect_eq $? 1 "a fresh run into a folder with checkpoints"
grep -q "b: already holds checkpoint-6 of an earlier training; --resume goes on from it" "$T/err" ||
	fail "message for a fresh run into a used folder: $(cat "$T/err")"
cmp -s "$T/b6.safetensors" "$T/b/checkpoint-6/model.safetensors" ||
	fail "the refused run changed the earlier checkpoint"
# An --out that is a file is said to be one before any work.
: >"$T/afile"
$WHITTLE train "$T/add.jsonl" --out "$T/afile" $args 2>"$T/err"
expect_eq $? 1 "--out naming a file"
expect_eq "$(cat "$T/err")" "whittle: $T/afile: not a folder" "--out naming a file"
# So is a second training while one writes to the folder (it holds
# train.lock, with its pid in it).
mkdir -p "$T/busy"
echo 4242 >"$T/busy/train.lock"
flock "$T/busy/train.lock" $WHITTLE train "$T/add.jsonl" --out "$T/busy" $args 2>"$T/err"
expect_eq $? 1 "a second training into a folder in use"
grep -q "busy: another training (pid 4242) is writing to this folder" "$T/err" ||
	fail "message for a folder in use: $(cat "$T/err")"
[ -e "$T/busy/metrics.jsonl" ] && fail "the refused training wrote metrics"

# stop_training SIGNAL DIR [COMMAND...]: train into DIR in the background
# (through COMMAND, as env), send SIGNAL once a step's loss is written,
# and leave the exit status in $status.
stop_training() {
	sig=$1 dir=$2
	shift 2
	"$@" $WHITTLE train "$T/add.jsonl" --out "$dir" --batch 2 --seq 24 \
		--steps 1000000 --save-every 0 -j 1 --quiet 2>"$T/err" &
	pid=$!
	n=0
	until grep -q '"name":"loss"' "$dir/metrics.jsonl" 2>/dev/null || [ $n -ge 300 ]; do
		sleep 0.1
		n=$((n + 1))
	done
	kill -"$sig" $pid
	wait $pid
	status=$?
}

# Ctrl-C (SIGINT) saves a checkpoint after the step under way, though none
# was due (--save-every 0), says so and ends by the signal, as a shell
# expects. (A background job of a script ignores SIGINT: env gives it back.)
if env --default-signal=INT true 2>/dev/null; then
	stop_training INT "$T/int" env --default-signal=INT
	expect_eq $status 130 "the exit status of an interrupted training"
	step=$(jq .step "$T"/int/checkpoint-*/state.json)
	[ -f "$T/int/checkpoint-$step/DONE" ] || fail "no complete checkpoint after Ctrl-C: $(ls "$T/int")"
	expect_eq "$(jq -s 'map(select(.name == "loss")) | last | .step' "$T/int/metrics.jsonl")" "$step" \
		"the checkpoint is at the last step trained"
	expect_eq "$(cat "$T/err")" \
		"whittle: interrupted at step $step: $T/int/checkpoint-$step holds it; --resume goes on from there" \
		"the message of an interrupted training"
else
	echo "env --default-signal is missing: Ctrl-C of train not tested"
fi
# SIGTERM (the engine's cancel and stop) does the same: --resume goes on
# from the step it stopped at.
stop_training TERM "$T/term"
expect_eq $status 143 "the exit status of a terminated training"
step=$(jq .step "$T"/term/checkpoint-*/state.json)
[ -f "$T/term/checkpoint-$step/DONE" ] || fail "no complete checkpoint after SIGTERM: $(ls "$T/term")"
expect_eq "$(cat "$T/err")" \
	"whittle: terminated at step $step: $T/term/checkpoint-$step holds it; --resume goes on from there" \
	"the message of a terminated training"
$WHITTLE train "$T/add.jsonl" --out "$T/term" --batch 2 --seq 24 --steps $((step + 2)) \
	--save-every 0 -j 1 --quiet --resume 2>"$T/err" || fail "resume after SIGTERM: $(cat "$T/err")"
expect_eq "$(jq -s 'map(select(.name == "loss")) | first | .step' "$T/term/metrics.jsonl")" 1 \
	"the metrics of before SIGTERM kept"
[ -f "$T/term/checkpoint-$((step + 2))/DONE" ] || fail "no checkpoint after the resumed steps: $(ls "$T/term")"

# Resumed with the command line it began with (as the engine's resume
# does), a shape of its own is the checkpoint's: nothing is said of it.
$WHITTLE train "$T/add.jsonl" --out "$T/sh" $args --hidden 32 --heads 2 --steps 2 || fail "a small shape"
$WHITTLE train "$T/add.jsonl" --out "$T/sh" $args --hidden 32 --heads 2 --steps 4 --resume 2>"$T/err" ||
	fail "resume of a small shape"
expect_eq "$(cat "$T/err")" "" "resume with the checkpoint's own shape"

# Two threads split each batch's rows between them (data parallelism): the
# losses, per step and per record, are one thread's but for the order of
# the gradient's sums; the run is the same each time, and resumed it ends
# with the uninterrupted run's weights.
dp="--batch 4 --seq 24 --steps 6 --warmup 1 --save-every 2 --val-frac 0 --quiet"
$WHITTLE train "$T/add.jsonl" --out "$T/j1" $dp -j 1 || fail "train -j 1"
$WHITTLE train "$T/add.jsonl" --out "$T/j2" $dp -j 2 || fail "train -j 2"
$WHITTLE train "$T/add.jsonl" --out "$T/j2b" $dp -j 2 || fail "train -j 2 again"
cmp -s "$T/j2/checkpoint-6/model.safetensors" "$T/j2b/checkpoint-6/model.safetensors" ||
	fail "two -j 2 runs differ"
close() {	# close FILE1 FILE2 JQ-PATH: the same numbers within 1e-4 relative
	jq -n --slurpfile a "$1" --slurpfile b "$2" \
		"[\$a, \$b] | map([.[] | $3]) | (.[0] | length) > 0 and
		 (.[0] | length) == (.[1] | length) and
		 (transpose | all((.[0] - .[1] | fabs) <= 1e-4 * (.[0] | fabs) + 1e-6))"
}
expect_eq "$(close "$T/j1/metrics.jsonl" "$T/j2/metrics.jsonl" 'select(.name == "loss") | .value')" \
	true "-j 2 losses are -j 1's"
expect_eq "$(close "$T/j1/batches.jsonl" "$T/j2/batches.jsonl" 'select(has("step")) | .loss[]')" \
	true "-j 2 per-record losses are -j 1's"
expect_eq "$(jq -c 'select(has("step")) | .record' "$T/j2/batches.jsonl" | md5sum)" \
	"$(jq -c 'select(has("step")) | .record' "$T/j1/batches.jsonl" | md5sum)" \
	"-j 2 batches hold -j 1's records in -j 1's order"
mkdir -p "$T/j2r"
cp -r "$T/j2/checkpoint-4" "$T/j2r/"
$WHITTLE train "$T/add.jsonl" --out "$T/j2r" --resume $dp -j 2 || fail "resume -j 2"
cmp -s "$T/j2/checkpoint-6/model.safetensors" "$T/j2r/checkpoint-6/model.safetensors" ||
	fail "the resumed -j 2 run's weights differ from the uninterrupted run's"

# Fine-tune a checkpoint; the HF fixtures too, where the shared data is.
$WHITTLE train "$T/add.jsonl" --out "$T/c" --init "$T/a/checkpoint-6" $args --steps 2 ||
	fail "init from a checkpoint"
# A config.json edited by hand and broken: the line, or the field, named.
cp -r "$T/a/checkpoint-6" "$T/cfg"
sed 's/"hidden_size": \([0-9]*\),/"hidden_size": \1/' "$T/a/checkpoint-6/config.json" >"$T/cfg/config.json"
line=$(grep -n '"intermediate_size"' "$T/cfg/config.json" | cut -d: -f1)
$WHITTLE train "$T/add.jsonl" --out "$T/cfgo" --init "$T/cfg" $args 2>"$T/err" && fail "a config.json that is not JSON"
expect_eq "$(cat "$T/err")" "whittle: $T/cfg/config.json:$line: not valid JSON" "a config.json that is not JSON"
sed 's/"num_hidden_layers": \([0-9]*\)/"num_hidden_layers": "\1"/' "$T/a/checkpoint-6/config.json" >"$T/cfg/config.json"
$WHITTLE generate "$T/cfg" hi 2>"$T/err" && fail "a layer count as a string"
expect_eq "$(cat "$T/err")" "whittle: $T/cfg/config.json: num_hidden_layers is not a whole number" \
	"a layer count as a string"
if [ -d "$DATA/hf-fixtures/tiny-qwen2" ]; then
	$WHITTLE train "$T/add.jsonl" --out "$T/q" --init "$DATA/hf-fixtures/tiny-qwen2" \
		$args --steps 2 || fail "fine-tune the transformers checkpoint"
	expect_eq "$(jq -r .model_type "$T/q/checkpoint-2/config.json")" qwen2 "qwen2 kept"
fi

# The export-sft step's records (input_ids, loss_mask, and the rendered
# text beside them) train on their ids with their mask: the targets of the
# record are the tokens the mask marks, not every token of its text.
TK="$SRCDIR/tests/tokenizer/tiny-qwen.json"
printf '{"question":"What is 1+1?","thinking":"One plus one is two.","answer":"\\boxed{2}","gold":"2"}\n' >"$T/q.jsonl"
$WHITTLE step export-sft --tokenizer "$TK" "$T/q.jsonl" -o "$T/sft.jsonl" || fail "export-sft"
$WHITTLE train "$T/sft.jsonl" --tokenizer "$TK" --out "$T/sft" --steps 1 --batch 1 --seq 128 \
	--val-frac 0 -j 1 --quiet || fail "train on export-sft's records"
expect_eq "$(jq -s '.[1].targets' -c "$T/sft/batches.jsonl")" "[$(jq '.loss_mask | add' "$T/sft.jsonl")]" \
	"targets of an export-sft record (its loss_mask)"
# The same records gzip-compressed (as run -o OUT.jsonl.gz writes them)
# train the same; damaged gzip data is refused, not read as bad lines.
gzip -c "$T/sft.jsonl" >"$T/sft.jsonl.gz"
$WHITTLE train "$T/sft.jsonl.gz" --tokenizer "$TK" --out "$T/sftgz" --steps 1 --batch 1 --seq 128 \
	--val-frac 0 -j 1 --quiet || fail "train on a .jsonl.gz"
expect_eq "$(sed 1d "$T/sftgz/batches.jsonl")" "$(sed 1d "$T/sft/batches.jsonl")" "a .jsonl.gz's batches"
head -c 40 "$T/sft.jsonl.gz" >"$T/cut.jsonl.gz"
$WHITTLE train "$T/cut.jsonl.gz" --out "$T/cut" --steps 1 --quiet 2>"$T/err" && fail "cut gzip data"
grep -qx "whittle: .*cut.jsonl.gz: the gzip data is damaged or cut short" "$T/err" ||
	fail "cut gzip data: $(cat "$T/err")"
# Its ids without the tokenizer they came from are beyond the vocabulary.
$WHITTLE train "$T/sft.jsonl" --out "$T/sft2" --steps 1 --quiet 2>"$T/err" &&
	fail "tokenizer ids in a byte model"
grep -q "sft.jsonl:1: a token id is not an integer below the vocabulary size (ids of a tokenizer need its --tokenizer" "$T/err" ||
	fail "ids beyond the vocabulary: $(cat "$T/err")"

# Bad input.
echo '{"ids": [1, 999]}' >"$T/bad.jsonl"
$WHITTLE train "$T/bad.jsonl" --out "$T/d" $args 2>"$T/err" && fail "ids beyond the vocabulary"
grep -q "bad.jsonl:1:" "$T/err" || fail "bad line named: $(cat "$T/err")"
grep -q "(no document left)$" "$T/err" && ! grep -q "and 0 more" "$T/err" ||
	fail "one bad line, no document: $(cat "$T/err")"
# A trace dataset given to train: said what makes training lines.
printf '{"question":"1+1?","thinking":"two","answer":"2"}\n{"question":"q","thinking":"t","answer":"a"}\n' >"$T/traces.jsonl"
$WHITTLE train "$T/traces.jsonl" --out "$T/tr" $args 2>"$T/err" && fail "training on traces"
grep -q 'traces.jsonl:1: a line needs "ids", "text", or "prompt" and "completion" (and 1 more bad lines, no document left; whittle export -f text, or a pipeline ending in export-sft, writes lines to train on)$' "$T/err" ||
	fail "training on traces: $(cat "$T/err")"
# Bad lines among good ones are named and skipped; the rest trains.
{ head -3 "$T/add.jsonl"; echo '{"text": 5}'; echo 'not json'; tail -3 "$T/add.jsonl"; } >"$T/some-bad.jsonl"
$WHITTLE train "$T/some-bad.jsonl" --out "$T/sb" $args --steps 2 2>"$T/err" || fail "a few bad lines stop training"
grep -qx 'whittle: .*some-bad.jsonl:4: "text" is not a string (line skipped)' "$T/err" ||
	fail "bad field named: $(cat "$T/err")"
grep -qx 'whittle: .*some-bad.jsonl:5: not valid JSON (line skipped)' "$T/err" || fail "bad JSON named"
[ -d "$T/sb/checkpoint-2" ] || fail "no checkpoint after skipping bad lines"
$WHITTLE train "$T/add.jsonl" $args 2>/dev/null; expect_eq $? 2 "no --out is a usage error"
$WHITTLE train "$T/add.jsonl" --out "$T/e" --steps x 2>/dev/null; expect_eq $? 2 "bad number"
# A batch whose activations cannot fit (petabytes of attention scores) is
# refused before anything is allocated, not ended by the allocator.
$WHITTLE train "$T/add.jsonl" --out "$T/big" $args --seq 10000000 --batch 1 2>"$T/err"
expect_eq $? 1 "a seq too long for memory"
grep -q "^whittle: --batch 1 --seq 10000000 need .* GB of memory (the attention scores alone" "$T/err" ||
	fail "the memory refusal: $(cat "$T/err")"
# A shape that does not hold together is a usage error, said before work.
$WHITTLE train "$T/add.jsonl" --out "$T/e" --hidden 30 --heads 4 $args 2>"$T/err"
expect_eq $? 2 "hidden not a multiple of heads"
grep -qx "whittle: --hidden 30 is not a multiple of --heads 4" "$T/err" || fail "hidden and heads: $(cat "$T/err")"
$WHITTLE train "$T/add.jsonl" --out "$T/e" --heads 1e15 $args 2>"$T/err"
expect_eq $? 2 "a number of heads no int holds"
grep -q -- "--heads 1e15: not a valid value" "$T/err" || fail "heads 1e15: $(cat "$T/err")"
$WHITTLE train "$T/add.jsonl" --out "$T/e" --hidden 12 --heads 4 $args 2>"$T/err"
expect_eq $? 2 "an odd head size"
grep -qx "whittle: --hidden 12 / --heads 4 is 3: a head's size must be even" "$T/err" ||
	fail "an odd head size: $(cat "$T/err")"
$WHITTLE train "$T/add.jsonl" --out "$T/e" --heads 4 --kv-heads 3 $args 2>"$T/err"
expect_eq $? 2 "heads not a multiple of kv heads"
grep -qx "whittle: --heads 4 is not a multiple of --kv-heads 3" "$T/err" || fail "heads and kv heads: $(cat "$T/err")"
[ -e "$T/e" ] && fail "a refused shape made the --out folder"
$WHITTLE train --help | grep -q "usage: whittle train" || fail "help"
done_test

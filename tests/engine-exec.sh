# The exec backend's metric sources, all in one run: JSON lines on stdout
# (a Python dict too), lines appended to $WHITTLE_METRICS, trainer_state.json
# and a TensorBoard file written in pieces into a watched folder; then
# `watch DIR` on HF's own files, cut short and corrupted; and
# contrib/whittle_callback.py when Python is there.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/engine/lib.sh"
need_data
HF="$DATA/hf-fixtures/hf-trainer-run"

mkdir "$T/work"
cat >"$T/work/train.sh" <<EOS
set -e
[ -d "\$WHITTLE_RUN_DIR" ] && [ -n "\$WHITTLE_METRICS" ] || exit 9
echo "{'loss': 2.5, 'learning_rate': 0.001}"
echo '{"step": 7, "name": "own", "value": 1}' >>"\$WHITTLE_METRICS"
printf '{"step": 8, "name": "own", "value": 2}\n' >>"\$WHITTLE_METRICS"
mkdir -p out/checkpoint-40 out/tb
cp "$HF/trainer_state.json" out/checkpoint-40/
f=out/tb/events.out.tfevents.1.host.1.0
head -c 20000 "$HF/events.out.tfevents.summarywriter" >"\$f"
sleep 0.5
head -c 40001 "$HF/events.out.tfevents.summarywriter" | tail -c 20001 >>"\$f"
sleep 0.5
tail -c +40002 "$HF/events.out.tfevents.summarywriter" >>"\$f"
sleep 1.5
EOS
cd "$T/work"
id=$("$WHITTLE" engine submit --watch out -- sh train.sh) || fail "submit"
cd "$T"
"$WHITTLE" watch --plain "$id" >"$T/points" || fail "the run failed: $(cat "$RUNS/$id/log")"
# 2 + 2 + 180 (trainer_state) + 100 (scalars of the SummaryWriter file)
expect_eq "$(wc -l <"$T/points")" 284 "points of every source"
grep -q '^0 loss 2.5$' "$T/points" || fail "the dict on stdout"
grep -q '^8 own 2$' "$T/points" || fail "WHITTLE_METRICS"
grep -q '^1 loss 5.569329739$' "$T/points" || fail "trainer_state.json"
grep -q '^40 eval_loss 5.468938828$' "$T/points" || fail "trainer_state.json eval"
expect_eq "$(grep -c ' train/loss ' "$T/points")" 50 "train/loss from the event file"
awk '$2 == "train/loss" && ($3 - 3 / (1 + $1) > 1e-6 || 3 / (1 + $1) - $3 > 1e-6) { bad++ }
	END { exit bad > 0 }' "$T/points" || fail "train/loss values"

# Many lines appended to $WHITTLE_METRICS at once, then the end: every one
# is read, not only what the last poll before the end got to.
id=$("$WHITTLE" engine submit -- sh -c 'awk "BEGIN { for (i = 1; i <= 200000; i++)
	printf \"{\\\"step\\\": %d, \\\"loss\\\": 1}\n\", i }" >>"$WHITTLE_METRICS"')
"$WHITTLE" watch --plain "$id" >"$T/many" || fail "the fast writer: $(cat "$RUNS/$id/log")"
expect_eq "$(wc -l <"$T/many")" 200000 "points of a fast writer"

# watch DIR reads what HF wrote, without an engine.
stop_engine
"$WHITTLE" watch --plain --no-follow "$HF" >"$T/hf" || fail "watch DIR"
grep -q '^1 train/loss 5.569' "$T/hf" || fail "watch DIR: the Trainer's event file"
grep -q '^1 loss 5.569329739$' "$T/hf" || fail "watch DIR: trainer_state.json"
"$WHITTLE" engine status >/dev/null && fail "watch DIR started the engine"

# A file cut mid-record gives the whole records before the cut.
mkdir "$T/cut"
head -c 30000 "$HF/events.out.tfevents.summarywriter" >"$T/cut/events.out.tfevents.x"
n=$("$WHITTLE" watch --plain --no-follow "$T/cut" 2>"$T/err" | wc -l)
[ "$n" -gt 10 ] && [ "$n" -lt 100 ] || fail "cut file: $n points"
[ -s "$T/err" ] && fail "cut file: $(cat "$T/err")"

# A corrupted file is reported and the others are still read.
mkdir "$T/bad"
cp "$HF/trainer_state.json" "$T/bad/"
head -c 30000 "$HF/events.out.tfevents.summarywriter" >"$T/bad/events.out.tfevents.y"
printf 'XXXX' | dd of="$T/bad/events.out.tfevents.y" bs=1 seek=20000 conv=notrunc 2>/dev/null
n=$("$WHITTLE" watch --plain --no-follow "$T/bad" 2>"$T/err" | wc -l)
[ "$n" -ge 180 ] || fail "corrupt file stopped the rest: $n points"
grep -q "CRC" "$T/err" || fail "corrupt file not reported: $(cat "$T/err")"

# contrib/whittle_callback.py, with a stand-in for transformers.
if command -v python3 >/dev/null; then
	mkdir -p "$T/py/transformers"
	echo 'class TrainerCallback: pass' >"$T/py/transformers/__init__.py"
	cat >"$T/py/fake_train.py" <<'EOS'
from types import SimpleNamespace
from whittle_callback import WhittleCallback
cb = WhittleCallback()
for step in range(1, 4):
    st = SimpleNamespace(global_step=step, max_steps=4, is_world_process_zero=True,
                         num_input_tokens_seen=100 * step)
    cb.on_log(None, st, None, logs={"loss": 1.0 / step, "epoch": 0.5, "note": "x", "grad_norm": float("nan")})
EOS
	id=$(PYTHONPATH="$T/py:$SRCDIR/contrib" "$WHITTLE" engine submit -- \
		env PYTHONPATH="$T/py:$SRCDIR/contrib" python3 "$T/py/fake_train.py")
	"$WHITTLE" watch --plain "$id" >"$T/cb" || fail "callback run: $(cat "$RUNS/$id/log")"
	expect_eq "$(grep -v max_steps "$T/cb" | tr '\n' ';')" "1 loss 1;1 epoch 0.5;1 grad_norm nan;2 loss 0.5;2 epoch 0.5;2 grad_norm nan;3 loss 0.3333333333;3 epoch 0.5;3 grad_norm nan;" "callback points"
	grep -q '"tokens":300' "$RUNS/$id/metrics.jsonl" || fail "callback tokens"
	# The job's progress: step 3 of max_steps 4.
	echo '{"v":1,"id":1,"op":"jobs"}' | "$WHITTLE" engine connect >"$T/jobs"
	grep -q "\"id\":\"$id\",[^}]*\"step\":3,\"points\":12,\"progress\":0.75,\"loss\":0.333[0-9]*}" "$T/jobs" ||
		fail "job progress: $(cat "$T/jobs")"
fi
stop_engine
done_test

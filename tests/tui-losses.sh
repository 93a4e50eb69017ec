# Per-record losses in the workbench, through tmux: a run's batches.jsonl
# gives the list a loss column (--losses), :sort loss desc puts the
# hardest records first; whittle losses gives them under a checkpoint
# (:losses FILE); and b in the Runs view opens the records behind a
# step of an engine run (starting whittle again on the run's data when
# another file is open, filtering the list when it is the same).
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/engine/lib.sh"
. "$SRCDIR/tests/tui-lib.sh"

cd "$T"
# Eight records the workbench reads (MATH's layout) and the trainer trains
# on (their text): repetitive ones are easy, random letters hard.
i=0
for t in abababababab hsreltpusctapirhgwprrpqzmv abababababababababababab \
	kqjzxwvumdbnhyplafteogcirsdxq cdcdcdcdcdcdcdcdcdcd wpvlrqoxmgytnfkzsjdhabueic \
	efefefefefefefefefefefefefefefef yqtxlznmwkrpvgshdjofbcaeiu; do
	letter=$(printf "\\$(printf %o $((65 + i)))")
	printf '{"id": "r%d", "problem": "Question %s", "solution": "so %d", "answer": "%d", "text": "%s"}\n' \
		"$i" "$letter" "$i" "$i" "$t"
	i=$((i + 1))
done >data.jsonl
train="--steps 6 --batch 2 --seq 40 --val-frac 0 --lr 0.01 --warmup 1 -j 1 --quiet"
"$WHITTLE" train data.jsonl --out run $train || fail "train"

# expected FILE [STEP]: "LETTER LOSS" of each record, hardest first: its
# loss at the last step that trained on it, or in step STEP.
expected() {
	awk -v want="${2:-0}" '/^{"step":/ {
		step = $0; sub(/^{"step":/, "", step); sub(/,.*/, "", step)
		if (want && step != want) next
		r = $0; sub(/.*"record":\[/, "", r); sub(/\].*/, "", r)
		l = $0; sub(/.*"loss":\[/, "", l); sub(/\].*/, "", l)
		n = split(r, rs, ","); split(l, ls, ",")
		for (k = 1; k <= n; k++) loss[rs[k]] = ls[k]
	} END { for (r in loss) printf "%s %.3f\n", sprintf("%c", 65 + r), loss[r] }' "$1" |
		sort -k2,2nr -k1,1 | sed 's/^/Question /'
}
# on_screen: "LETTER LOSS" of the list's rows, top to bottom
on_screen() {
	tui_screen | sed -n 's/^ *[0-9][0-9]* .* \([0-9][0-9]*\.[0-9][0-9][0-9]\) Question \([A-H]\).*/Question \2 \1/p'
}

# --losses: the column; :sort loss desc: the hardest first.
tui_start 120 30 data.jsonl --losses run
tui_wait "losses of 8 records"
tui_expect "loss question" "the loss column's header"
tui_keys ":sort loss desc" Enter
tui_wait "sorted by loss desc"
want=$(expected run/batches.jsonl)
expect_eq "$(on_screen)" "$want" "the list sorted by loss"
[ "$(echo "$want" | head -1 | cut -c10)" != A ] || fail "the easy record A came out hardest"
# :filter takes the loss in nats
top=$(echo "$want" | sed -n 3p | cut -d' ' -f3)
tui_keys ":filter loss>=$top" Enter
tui_wait "3 records where loss>=$top"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop

# whittle losses: each record's loss under the run's last checkpoint, which
# the column reads as well.
"$WHITTLE" losses run data.jsonl -o losses.jsonl 2>/dev/null || fail "whittle losses"
"$WHITTLE" losses run data.jsonl --batch 0 2>"$T/err"; expect_eq $? 2 "losses --batch 0"
expect_eq "$(head -1 "$T/err")" "whittle: --batch 0: a positive count" "the option named"
expect_eq "$(grep -c '^{"record":[0-9]*,"id":"r[0-7]","loss":[0-9.]*,"targets":[0-9]*}$' losses.jsonl)" 8 \
	"a line for each record"
want=$(sed -n 's/^{"record":\([0-9]*\),.*"loss":\([0-9.]*\),.*/\1 \2/p' losses.jsonl |
	awk '{ printf "Question %c %.3f\n", 65 + $1, $2 }' | sort -k3,3nr -k2,2)
tui_start 120 30 data.jsonl
tui_wait "data.jsonl  1/8"
tui_keys ":losses losses.jsonl" Enter
tui_wait "losses of 8 records"
tui_keys ":sort loss desc" Enter
tui_wait "sorted by loss desc"
expect_eq "$(on_screen)" "$want" "the list sorted by the checkpoint's losses"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop

# The Runs view: b opens the records of the step behind the loss chart.
id=$("$WHITTLE" engine submit --name prov train data.jsonl $train) || fail "submit"
wait_for 60 state_is "$id" done || fail "the run: $(cat "$RUNS/$id/log")"
[ -f "$RUNS/$id/batches.jsonl" ] || fail "no batches.jsonl in the run's folder"
cp "$EXAMPLES/demo-r1-messages.jsonl" demo.jsonl
tui_start 120 40 demo.jsonl
tui_wait "demo.jsonl  1/16"
tui_keys : r u n s Enter
tui_wait_re "> $id  *done"
tui_wait_re "loss [0-9.]*  min "
tui_keys b
# another file was open: whittle starts again on the run's data
tui_wait_re "step [0-9]* trained on [0-9]* records, hardest first" 20
step=$(tui_screen | sed -n 's/.*step \([0-9]*\) trained on.*/\1/p')
tui_expect "data.jsonl" "the run's data opened"
want=$(expected "$RUNS/$id/batches.jsonl" "$step")
expect_eq "$(on_screen)" "$want" "the records of step $step, hardest first"
# the highest loss of the chart's window, as no point spikes
best=$(sed -n 's/.*"step":\([0-9]*\),.*"name":"loss","value":\([0-9.e+-]*\)}/\2 \1/p' \
	"$RUNS/$id/metrics.jsonl" | sort -gr | head -1 | cut -d' ' -f2)
expect_eq "$step" "$best" "the step of the highest loss"
# with the run's data open, b filters the list in place
tui_keys Escape : r u n s Enter
tui_wait_re "> $id  *done"
tui_wait_re "loss [0-9.]*  min "
tui_keys b
tui_wait "step $step trained on"
expect_eq "$(on_screen)" "$want" "the records again"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop
stop_engine
done_test

# kill -9 of the engine in the middle of a run, at three moments: every file
# stays readable, no whole line of metrics.jsonl is lost, the trainer does
# not outlive the engine, and the restarted engine marks the run
# interrupted (the last line of its log says so) and serves its history.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/engine/lib.sh"

count=$((1000000 + $$))	# a count no other test's writer has
for delay in 0.3 0.9 1.6; do
	"$WHITTLE" engine start >/dev/null || fail "engine start"
	pid=$(engine_pid)
	id=$("$WHITTLE" engine submit -- "$HELPER" write $count 5000)
	sleep $delay
	kill -9 "$pid"
	wait_for 5 eval "! kill -0 $pid 2>/dev/null" || fail "the engine outlived kill -9"
	f="$RUNS/$id/metrics.jsonl"
	cp "$f" "$T/before"
	# Whole lines only: every line but a last cut one is a point.
	whole=$(grep -c '}$' "$T/before")
	expect_eq "$(wc -l <"$T/before")" "$whole" "whole lines ($delay s)"
	[ "$whole" -gt 0 ] || fail "no points before the kill ($delay s)"
	wait_for 5 eval "! running '$HELPER write $count 5000'" ||
		fail "the trainer outlived the engine ($delay s)"
	state_is "$id" running || fail "run.json unreadable after the kill ($delay s)"

	"$WHITTLE" engine start >/dev/null || fail "restart ($delay s)"
	state_is "$id" interrupted || fail "not marked interrupted ($delay s): $(run_state "$id")"
	"$WHITTLE" runs | grep -q "^$id  *interrupted " || fail "runs after restart ($delay s)"
	expect_eq "$(tail -n 1 "$RUNS/$id/log")" \
		"whittle: job $id interrupted: the engine running it died" "the log's end ($delay s)"
	n=$(timeout 60 "$WHITTLE" watch --plain "$id" | wc -l)
	[ "$n" -ge "$whole" ] || fail "history after restart ($delay s): $n of $whole points"
	head -c "$(wc -c <"$T/before")" "$f" | cmp -s - "$T/before" || fail "history changed ($delay s)"
	timeout 60 "$WHITTLE" watch --plain "$id" | awk '$1 != NR || $3 != 7 * NR { bad++ } END { exit bad > 0 }' ||
		fail "points out of order or wrong after restart ($delay s)"
	stop_engine
done
done_test

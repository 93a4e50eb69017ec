# kill -9 in the middle of an edit session and in the middle of a save: the
# file is always whole, and no acknowledged edit is lost.
. "$SRCDIR/tests/lib.sh"
EDITOR_BIN="$BUILDDIR/tests/crash-editor"

# Big enough that a save takes a while.
make_file() {
	awk 'BEGIN { s = sprintf("%4000s", ""); gsub(/ /, "x", s);
		for (i = 1; i <= 6000; i++) printf "{\"question\":\"q%d\",\"solution\":\"%s\"}\n", i, s }' >"$1"
}

# Wait (up to a minute: machines under load are slow to start) until the
# editor has acknowledged its first edit, then let it run $1 seconds more.
run_then_kill() {
	delay=$1; shift
	rm -f "$T/acks"	# never mistake the last run's acknowledgements for this one's
	"$@" >"$T/acks" 2>>"$T/err" &
	pid=$!
	tries=0
	while ! grep -q '^ack ' "$T/acks" 2>/dev/null && [ $tries -lt 600 ] &&
		kill -0 $pid 2>/dev/null; do
		sleep 0.1
		tries=$((tries + 1))
	done
	sleep "$delay"
	kill -9 $pid 2>/dev/null
	wait $pid 2>/dev/null
}

last_ack() {
	sed -n 's/^ack //p' "$1" | tail -1
}

# The question after a crash must be the last acknowledged edit, or the one
# after it (journaled, killed before it was acknowledged).
check_question() {
	ack=$(last_ack "$1")
	[ -n "$ack" ] || { fail "$2: nothing acknowledged"; return; }
	q=$("$EDITOR_BIN" question "$3" 2>>"$T/err")
	case "$q" in
	"edit-$ack"|"edit-$((ack + 1))") ;;
	*) fail "$2: question is '$q' after ack $ack" ;;
	esac
}

make_file "$T/orig.jsonl"
for delay in 0 0.3 0.7; do
	cp "$T/orig.jsonl" "$T/edit.jsonl"
	run_then_kill $delay "$EDITOR_BIN" edit "$T/edit.jsonl"
	cmp -s "$T/orig.jsonl" "$T/edit.jsonl" || fail "edit session ($delay s): the file changed without a save"
	check_question "$T/acks" "edit session ($delay s)" "$T/edit.jsonl"

	cp "$T/orig.jsonl" "$T/save.jsonl"
	run_then_kill $delay "$EDITOR_BIN" save "$T/save.jsonl"
	s=$($WHITTLE stats --json "$T/save.jsonl")
	expect_eq "$(echo "$s" | jq -c '[.records, (.bad | length)]')" "[6000,0]" "save ($delay s): the file is whole"
	ls "$T" | grep -q whittle-tmp && rm -f "$T"/*whittle-tmp*	# a temp file may stay; never the file
	check_question "$T/acks" "save ($delay s)" "$T/save.jsonl"
done
[ -s "$T/err" ] && fail "editor errors: $(cat "$T/err")"
done_test

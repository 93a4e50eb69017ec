# The engine's life and its commands: status, start, a second engine that
# refuses, submit, watch, runs, show, cancel (with the child's children),
# the job queue's concurrency, connect over stdio and through ssh, stop;
# the line the engine ends each job's log with, however it ended.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/engine/lib.sh"

out=$("$WHITTLE" engine status --json)
expect_eq "$?" 1 "status exit when not running"
expect_eq "$out" "{\"running\":false,\"pid\":null,\"socket\":\"$XDG_RUNTIME_DIR/whittle/engine.sock\"}" "status --json when not running"

"$WHITTLE" engine start >/dev/null || fail "engine start"
out=$("$WHITTLE" engine status --json) || fail "status exit when running"
case "$out" in
"{\"running\":true,\"pid\":"[0-9]*",\"socket\":\"$XDG_RUNTIME_DIR/whittle/engine.sock\"}") ;;
*) fail "status --json: $out" ;;
esac
[ "$(stat -c %a "$XDG_RUNTIME_DIR/whittle")" = 700 ] || fail "the runtime folder is not 0700"

# A second engine on the same socket refuses, and the first still serves.
"$WHITTLE" engine start >"$T/out" 2>"$T/err" && fail "a second engine started"
grep -q "already running (pid $(engine_pid))" "$T/err" || fail "second engine: $(cat "$T/err")"
# Asked for more slots than it has, it says how many it has and how to
# change that.
"$WHITTLE" engine start --jobs 3 2>"$T/err" && fail "a second engine started with --jobs 3"
grep -qx "whittle: it runs 1 job at a time; for 3, stop it (whittle engine stop: the jobs it runs end interrupted) and start it again" \
	"$T/err" || fail "--jobs 3 of a running engine: $(cat "$T/err")"
"$WHITTLE" engine start --foreground 2>"$T/err" && fail "a second foreground engine started"
grep -q "already running" "$T/err" || fail "second foreground engine: $(cat "$T/err")"
"$WHITTLE" engine status >/dev/null || fail "the first engine stopped serving"

# A run that prints metrics as JSON lines.
three=$("$WHITTLE" engine submit --name three -- sh -c \
	'for i in 1 2 3; do echo "{\"step\": $i, \"loss\": $i.5, \"lr\": 0.1}"; done; echo bye')
id=$three
out=$("$WHITTLE" watch --plain "$id")
expect_eq "$?" 0 "watch exit for a run that is done"
expect_eq "$(echo "$out" | tr '\n' ';')" "1 loss 1.5;1 lr 0.1;2 loss 2.5;2 lr 0.1;3 loss 3.5;3 lr 0.1;" "watch --plain"
expect_eq "$("$WHITTLE" watch --plain --no-follow "$id" | wc -l)" 6 "watch --no-follow"
expect_eq "$("$WHITTLE" watch --plain "$RUNS/$id" | wc -l)" 6 "watch of the run's folder"
"$WHITTLE" runs --json >"$T/runs.json" || fail "runs --json"
grep -q "\"id\":[[:space:]]*\"$id\"" "$T/runs.json" || fail "runs --json lacks the run"
grep -q '"name":[[:space:]]*"three"' "$T/runs.json" || fail "runs --json lacks the name"
grep -q '"started":[[:space:]]*[0-9]' "$T/runs.json" || fail "runs --json lacks started"
"$WHITTLE" runs | grep -q "^$id  *done " || fail "runs: $("$WHITTLE" runs)"
"$WHITTLE" runs show "$id" | grep -q "^bye$" || fail "runs show lacks the log"
# The end of a long log starts at a line's beginning, not inside one.
id=$("$WHITTLE" engine submit -- sh -c 'i=0; while [ $i -lt 300 ]; do echo "line $i of the log"; i=$((i + 1)); done')
wait_for 10 state_is "$id" done || fail "the long log's job"
"$WHITTLE" runs show "$id" | sed -n '/^log (the end):$/{n;p;q;}' >"$T/first"
grep -qx "line [0-9]* of the log" "$T/first" || fail "the log's end starts inside a line: $(cat "$T/first")"
# last_line ID: the last line of the run's log.
last_line() { tail -n 1 "$RUNS/$1/log"; }
expect_eq "$(last_line "$id")" "whittle: job $id done (exit status 0)" "the log's end: done"
id=$("$WHITTLE" engine submit -- printf 'no newline')
wait_for 10 state_is "$id" done || fail "printf"
expect_eq "$(cat "$RUNS/$id/log")" "no newline
whittle: job $id done (exit status 0)" "the engine's line on a line of its own"

# A command that fails: its exit status and last lines.
id=$("$WHITTLE" engine submit -- sh -c 'echo the last words; exit 3')
"$WHITTLE" watch --plain "$id" && fail "watch exit for a failed run"
state_is "$id" failed || fail "failed run state: $(run_state "$id")"
grep -q '"exit_status":[[:space:]]*3' "$RUNS/$id/run.json" || fail "exit status"
grep -q '"tail":.*the last words' "$RUNS/$id/run.json" || fail "tail of the output"
"$WHITTLE" runs show "$id" | grep -q "exited with status 3" || fail "runs show error"
expect_eq "$(last_line "$id")" "whittle: job $id failed: exited with status 3" "the log's end: failed"
id=$("$WHITTLE" engine submit -- sh -c 'kill -9 $$')
wait_for 10 state_is "$id" failed || fail "a command killed by a signal"
expect_eq "$(last_line "$id")" "whittle: job $id failed: killed by signal 9 (Killed)" \
	"the log's end: a signal"
id=$("$WHITTLE" engine submit -- /nonexistent/trainer)
wait_for 10 state_is "$id" failed || fail "a command that cannot run"
grep -q "cannot run /nonexistent/trainer" "$RUNS/$id/log" || fail "exec error not logged"

# Cancel stops the child and the children it started.
s=$((100000 + $$))	# a sleep no other test runs
id=$("$WHITTLE" engine submit -- sh -c "sleep $s & sleep $s & echo started; wait")
wait_for 10 grep -q started "$RUNS/$id/log" || fail "cancel: the job did not start"
"$WHITTLE" cancel "$id" >/dev/null || fail "cancel"
wait_for 10 state_is "$id" cancelled || fail "cancelled state: $(run_state "$id")"
wait_for 5 eval "! running 'sleep $s'" || fail "cancel left the child's children running"
expect_eq "$(last_line "$id")" "whittle: job $id cancelled" "the log's end: cancelled"
"$WHITTLE" cancel "$id" 2>"$T/err" && fail "cancel of a finished run succeeded"
expect_eq "$(cat "$T/err")" "whittle: run $id is cancelled: nothing to cancel" "cancel of a finished run"
"$WHITTLE" cancel 20990101-000000-none 2>"$T/err" && fail "cancel of no run succeeded"
expect_eq "$(cat "$T/err")" "whittle: no run 20990101-000000-none (\`whittle runs\` lists them)" "cancel of no run"

# One job at a time by default: the second waits in the queue.
a=$("$WHITTLE" engine submit -- sleep 1)
b=$("$WHITTLE" engine submit -- sleep 1)
wait_for 5 state_is "$a" running || fail "first job not running"
state_is "$b" queued || fail "second job should be queued: $(run_state "$b")"
wait_for 10 state_is "$b" done || fail "the queued job never ran"
"$WHITTLE" engine stop >/dev/null || fail "engine stop"
"$WHITTLE" engine status >/dev/null && fail "the engine still runs after stop"

# --jobs 2: both run at once.
"$WHITTLE" engine start --jobs 2 >/dev/null || fail "engine start --jobs 2"
a=$("$WHITTLE" engine submit -- sleep 2)
b=$("$WHITTLE" engine submit -- sleep 2)
wait_for 5 state_is "$b" running || fail "--jobs 2: second job not running"
state_is "$a" running || fail "--jobs 2: first job not running"
b2=$("$WHITTLE" engine submit -- sleep 1)
state_is "$b2" queued || fail "--jobs 2: third job should be queued"
"$WHITTLE" cancel "$b2" >/dev/null
wait_for 5 state_is "$b2" cancelled || fail "cancel of a queued job"
expect_eq "$(cat "$RUNS/$b2/log")" "whittle: job $b2 cancelled" "the log of a job cancelled in the queue"

# stop marks what runs interrupted.
id=$("$WHITTLE" engine submit -- sleep 30)
wait_for 5 state_is "$id" running || fail "job before stop not running"
"$WHITTLE" engine stop >/dev/null
state_is "$id" interrupted || fail "stop: $(run_state "$id")"
expect_eq "$(last_line "$id")" "whittle: job $id interrupted: the engine stopped" \
	"the log's end: interrupted"

# connect: the protocol over stdio (starting the engine on demand).
printf '%s\n' '{"v":1,"id":"a","op":"hello"}' 'junk' '{"v":1,"id":2,"op":"runs"}' |
	"$WHITTLE" engine connect >"$T/connect" || fail "engine connect"
expect_eq "$(wc -l <"$T/connect")" 3 "connect replies"
grep -q '^{"v":1,"id":"a","ok":true,"protocol":1' "$T/connect" || fail "connect hello: $(head -1 "$T/connect")"
grep -q '"code":"bad-json"' "$T/connect" || fail "connect junk"
grep -q "\"id\":2,\"ok\":true,\"runs\":\[.*\"$id\"" "$T/connect" || fail "connect runs"

# --engine ssh:HOST runs `ssh HOST whittle engine connect`: a stand-in ssh.
mkdir "$T/bin"
printf '#!/bin/sh\nwhile [ "$1" != -- ]; do shift; done\nshift 3\nexec "%s" "$@"\n' "$WHITTLE" >"$T/bin/ssh"
chmod +x "$T/bin/ssh"
PATH="$T/bin:$PATH" "$WHITTLE" runs --engine ssh:box | grep -q "^$id " || fail "runs --engine ssh:"
PATH="$T/bin:$PATH" "$WHITTLE" watch --plain --engine ssh:box "$three" >"$T/w" ||
	fail "watch --engine ssh:"
expect_eq "$(wc -l <"$T/w")" 6 "watch through ssh"

# Without XDG_RUNTIME_DIR the folder is /tmp/whittle-UID.
out=$(env -u XDG_RUNTIME_DIR "$WHITTLE" engine status --json)
case "$out" in
*"\"socket\":\"/tmp/whittle-$(id -u)/engine.sock\"}") ;;
*) fail "fallback folder: $out" ;;
esac
stop_engine
done_test

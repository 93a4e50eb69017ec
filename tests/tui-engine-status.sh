# The engine's state on the workbench's status line: nothing while no
# engine runs here (the workbench starts none); once one runs, "engine:
# idle", the job running with its progress and how many wait; nothing
# again once it stops. A remote engine (--engine ssh:HOST) is named; one
# whose link stalls is said to be silent while the keys still work, one
# that stops is lost, one that ssh cannot reach is not reached.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/engine/lib.sh"
. "$SRCDIR/tests/tui-lib.sh"

F="$T/demo.jsonl"
cp "$SRCDIR/examples/demo-r1-messages.jsonl" "$F"
status() { tui_screen | tail -n 2 | head -n 1; }

tui_start 120 30 "$F"
tui_wait "demo.jsonl  1/16"
tui_keys j
tui_wait "demo.jsonl  2/16"
case "$(status)" in *engine*) fail "an engine state with no engine: $(status)" ;; esac
[ -z "$(engine_pid)" ] || fail "the workbench started an engine"

"$WHITTLE" engine start >/dev/null || fail "engine start"
tui_wait_re "0 marked  *engine: idle *$"
mkdir "$T/job"
cd "$T/job"
waiter=$("$WHITTLE" engine submit --name waiter -- sh -c \
	'echo "{\"step\": 5, \"max_steps\": 10}"; while :; do sleep 1; done') || fail "submit"
second=$("$WHITTLE" engine submit --name second -- true)
cd "$T"
tui_wait_re "engine: waiter 50%, 1 waiting *$"
"$WHITTLE" cancel "$second" >/dev/null
"$WHITTLE" cancel "$waiter" >/dev/null
tui_wait_re "engine: idle *$"
stop_engine
tui_wait_re "0 marked *$"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop

# A remote engine, through a stand-in ssh that holds back what the engine
# says while $T/stall is there, and fails while $T/ssh-fails is.
"$WHITTLE" engine start >/dev/null || fail "engine start again"
stalling_ssh "$T/bin"
TUI_ENV="PATH='$T/bin:$PATH'" tui_start 120 30 --engine ssh:box "$F"
tui_wait "demo.jsonl  1/16"
tui_wait_re "engine@box: idle *$"
touch "$T/stall"
tui_wait_re "engine@box: no answer for [0-9][0-9]* s *$"
tui_keys j
tui_wait "demo.jsonl  2/16"
rm "$T/stall"
tui_wait_re "engine@box: idle *$"
# The engine there stops: the link is lost.
stop_engine
tui_wait_re "engine@box: lost *$"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop

# ssh fails: the engine is not reached.
touch "$T/ssh-fails"
TUI_ENV="PATH='$T/bin:$PATH'" tui_start 120 30 --engine ssh:box "$F"
tui_wait "demo.jsonl  1/16"
tui_wait_re "engine@box: not reached *$"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop
done_test

# The Runs view through tmux against a real engine: :runs lists the runs
# with state and progress (step 12 of 20: 60%), charts the selected run's
# metrics in Braille with a spike flagged, takes new points while it is
# open, switches the x axis and shows the log, ? lists the keys from the
# view's keymap, cancels the run, overlays a second run, zooms and pans,
# and q goes back to the workbench; :train runs a Lua script as a job and
# :jobs shows it; --engine ssh:HOST reaches the engine through ssh, and
# :train through it runs the script in the remote home folder; when the
# link breaks, the view connects again and its charts go on; when the
# engine stops answering, the view (and the Jobs view) still takes keys
# and says so.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/engine/lib.sh"
. "$SRCDIR/tests/tui-lib.sh"

F="$T/demo.jsonl"
cp "$SRCDIR/examples/demo-r1-messages.jsonl" "$F"
mkdir "$T/job"
cat >"$T/job/train.sh" <<'EOS'
echo hello from the job
for v in 1 1.1 0.9 1 1.05 0.95 1 1.1 0.9 1 1 1 50; do
	echo "{\"name\": \"spiky\", \"value\": $v}"
done
i=1
while [ $i -le 10 ]; do
	echo "{\"step\": $i, \"loss\": $((11 - i)), \"learning_rate\": 0.001}"
	i=$((i + 1))
done
echo '{"step": 10, "max_steps": 20}'
while [ ! -f go ]; do sleep 0.1; done
echo '{"step": 20, "loss": 0.25, "eval_accuracy": 0.75}'
while :; do sleep 1; done
EOS
cd "$T/job"
id=$("$WHITTLE" engine submit --name toy -- sh train.sh) || fail "submit"
cd "$T"
wait_for 10 grep -q '"max_steps"' "$RUNS/$id/metrics.jsonl" || fail "the job did not report"

tui_start 120 40 "$F"
tui_wait "demo.jsonl  1/16"
tui_keys : r u n s Enter
tui_wait "Runs 1 "
tui_wait_re "> $id  *running .* 60% .*loss 1 .*toy"
tui_wait "loss 1  min 1 @ 10"
tui_expect "learning_rate 0.001" "the learning rate's chart"
tui_screen | LC_ALL=C grep -q "$(printf '\342[\240-\243]')" || fail "no Braille on screen"

# New points show while the view is open.
touch "$T/job/go"
tui_wait "loss 0.25  min 0.25 @ 20"
tui_wait "eval_accuracy 0.75  max 0.75 @ 20"
tui_wait_re "> $id  *running .*100% .*loss 0.25 acc 0.75"

# A jump of more than 4 standard deviations is flagged.
tui_expect "spike @ 12" "the spike alert"

# Smoothing, log scale and the x axis are shown in the title.
tui_keys +
tui_wait "smoothing 0.70"
tui_keys l
tui_wait "log y"
tui_keys l
tui_wait "linear y"
tui_keys x
tui_wait "x: tokens"
tui_expect "no tokens in these points" "x by tokens"
tui_keys x x
tui_wait "x: step"
tui_keys L
tui_wait "x: step (log)"
tui_wait_re "^ *1  *step 20 "
tui_keys L
tui_gone "(log)" "L again: a linear x axis"

# ? lists the keys from the view's own table, each function once with
# all its keys; any key closes the list and does nothing else.
tui_keys '?'
tui_wait "Runs view keys"
for line in "j <Down>         next run" "<Space>          compare the run on the charts, or stop" \
	"o                the run's log instead of its charts, or back" \
	"z                zoom in" "[                pan left" "? <F1>           these keys" \
	"q <Esc>          back to the workbench"; do
	tui_expect "$line" "the help"
done
tui_keys x
tui_gone "Runs view keys" "a key closes the help"
tui_expect "x: step" "the key that closed the help did nothing else"

# o shows the run's log instead of its charts, and back.
tui_keys o
tui_wait "hello from the job"
tui_gone "loss 0.25  min" "o hides the charts"
tui_keys o
tui_wait "loss 0.25  min 0.25 @ 20"

# c asks before it cancels the selected run: a key other than y keeps it,
# y cancels it.
tui_keys c
tui_wait "cancel run $id (toy)? y/n"
tui_keys n
tui_wait "run $id not cancelled"
state_is "$id" running || fail "n cancelled the run: $(run_state "$id")"
tui_keys c
tui_wait "cancel run $id (toy)? y/n"
tui_keys y
tui_wait "cancel $id: stopping"
tui_wait_re "> $id  *cancelled"
wait_for 10 state_is "$id" cancelled || fail "the run was not cancelled"

# Another run compared with it: space marks it, and the charts name both.
other=$("$WHITTLE" engine submit --name other -- sh -c \
	'for i in 1 2 3 4 5 6 7 8 9 10; do echo "{\"step\": $i, \"loss\": 3}"; done')
wait_for 10 state_is "$other" done || fail "the second run"
tui_wait_re "^  $other  *done"
tui_keys k
tui_wait_re "> $other  *done"
tui_wait "loss 3  min 3 @ 1"
tui_keys Space j
tui_wait_re "^+ $other  *done"
tui_wait_re "━━ $id  ━━ $other"
tui_wait "loss 0.25  min 0.25 @ 20"

# Zoom and pan the x window (steps 1 to 20 of both runs).
tui_keys z z
tui_wait "zoom 25%"
tui_wait_re "^ *15  *step 20 "
tui_keys '['
tui_wait_re "^ *13  *step 18 "
tui_keys Z Z
tui_gone "zoom 25%" "zooming out"
tui_wait_re "^ *1  *step 20 "

tui_keys q
tui_wait "demo.jsonl  1/16"
tui_gone "Runs 2 " "q leaves the Runs view"
# :train runs a Lua script in the engine.
printf 'print("hello from lua")\n' >"$T/t.lua"
tui_keys ":train $T/t.lua" Enter
tui_wait "train: run "
wait_for 10 eval 'grep -q "hello from lua" "$RUNS"/*/log' || fail ":train did not run the script"
tui_keys : j o b s Enter
tui_wait_re "lua t.lua$"
tui_keys q
tui_wait "demo.jsonl  1/16"

tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop

# --engine ssh:HOST: the view reaches the engine through `ssh HOST whittle
# engine connect` (a stand-in ssh that notes its pid and arguments, writes
# on stderr, which must not reach the screen, and runs it here, or fails
# as told).
mkdir "$T/bin"
cat >"$T/bin/ssh" <<EOF
#!/bin/sh
echo \$\$ >>"$T/ssh.pids"
echo "\$*" >"$T/ssh.args"
echo "Warning: ssh noise" >&2
[ -f "$T/ssh-fails" ] && { echo "ssh: connect to host box port 22: Connection refused" >&2; exit 255; }
while [ "\$1" != -- ]; do shift; done
shift 3
exec "$WHITTLE" "\$@"
EOF
chmod +x "$T/bin/ssh"
TUI_ENV="PATH='$T/bin:$PATH'" tui_start 120 40 --engine ssh:box "$F"
tui_wait "demo.jsonl  1/16"
tui_keys : r u n s Enter
tui_wait_re "$id  *cancelled .*toy"
[ -s "$T/ssh.pids" ] || fail "--engine ssh:box did not go through ssh"
# (the workbench's stderr is its terminal; tui_start keeps it in a file)
grep -qs "ssh noise" "$T/stderr" && fail "what ssh wrote on stderr went to the terminal"
# ssh asks nothing there: a password or host key question would be drawn
# over the screen, with no one to answer it.
grep -q -- "-o BatchMode=yes --" "$T/ssh.args" || fail "ssh may ask over the screen: $(cat "$T/ssh.args")"
# :train through ssh sends no folder of this machine: the job runs in the
# remote user's home folder.
echo 'print("remote lua")' >"$T/where.lua"
tui_keys q ":train $T/where.lua" Enter
tui_wait "train: run"
wait_for 10 eval 'grep -q "remote lua" "$RUNS"/*/log' || fail ":train through ssh did not run the script"
expect_eq "$(jq -r .spec.cwd "$(dirname "$(grep -l "remote lua" "$RUNS"/*/log)")/run.json")" "$HOME" \
	"the folder of :train through ssh"
# The link breaks (every ssh killed): the list and the charts connect
# again, and the charts take the points that came after.
cd "$T/job"
# cut_links: kill the stand-in ssh processes that carry an engine link.
cut_links() {
	for p in $(cat "$T/ssh.pids"); do
		{ tr "\0" " " <"/proc/$p/cmdline"; } 2>/dev/null | grep -q "engine connect" && kill "$p"
	done
}
link=$("$WHITTLE" engine submit --name link -- sh -c \
	'echo "{\"step\": 1, \"loss\": 5}"; while [ ! -f go2 ]; do sleep 0.1; done
	echo "{\"step\": 2, \"loss\": 7}"; while [ ! -f stop2 ]; do sleep 0.1; done')
cd "$T"
tui_keys : r u n s Enter
tui_wait_re "> $link  *running"
tui_wait "loss 5  min 5 @ 1"
cut_links
tui_wait "charts of $link: connected again"
touch "$T/job/go2"
tui_wait "loss 7  min 5 @ 1"
touch "$T/job/stop2"
# ssh fails: the message line gives the last line it wrote.
touch "$T/ssh-fails"
cut_links
tui_wait "ssh box failed (exit status 255: ssh: connect to host box port 22: Connection refused)"
rm "$T/ssh-fails"
tui_keys q : q Enter
tui_wait "EXITED 0"
tui_stop

# At 80 columns the progress bar gives way: a running run's loss shows
# after its percent, elapsed time and ETA.
cd "$T/job"
narrow=$("$WHITTLE" engine submit --name narrow -- sh -c \
	'echo "{\"step\": 5, \"max_steps\": 10, \"loss\": 0.125}"; while [ ! -f stop ]; do sleep 0.1; done')
cd "$T"
wait_for 10 grep -q '"loss"' "$RUNS/$narrow/metrics.jsonl" || fail "the narrow job did not report"
tui_start 80 24 "$F"
tui_wait "demo.jsonl  1/16"
tui_keys : r u n s Enter
tui_wait_re "^> $narrow  *running  *50%  *[0-9:]* eta [0-9:]*  *loss 0.125 *$"
touch "$T/job/stop"
tui_keys q : q Enter
tui_wait "EXITED 0"
tui_stop
wait_for 10 state_is "$narrow" done || fail "the narrow job did not end"

# An engine that stops answering (a link that stalls: a stand-in ssh
# that holds back what the engine says while $T/stall is there): the view
# goes on taking keys, says how long the engine has been silent, and q
# leaves it.
stalling_ssh "$T/slow"
TUI_ENV="PATH='$T/slow:$PATH'" tui_start 120 40 --engine ssh:box "$F"
tui_wait "demo.jsonl  1/16"
tui_keys : r u n s Enter
tui_wait_re "^> $narrow  *done"
touch "$T/stall"
tui_wait "[the engine has not answered for "
tui_keys x
tui_wait "x: tokens"
tui_keys j
tui_wait_re "^> $link "
tui_keys q
tui_wait "demo.jsonl  1/16"
rm "$T/stall"
# The Jobs view too (connected before the link stalls).
tui_keys : j o b s Enter
tui_wait_re "$narrow .*narrow"
touch "$T/stall"
tui_wait "[the engine has not answered for "
tui_keys f
tui_wait "only queued"
tui_keys q
tui_wait "demo.jsonl  1/16"
# A view opened while the link stalls opens at once, and waits for the
# engine on screen.
tui_keys : r u n s Enter
tui_wait "asking the engine for its runs"
tui_wait "[the engine has not answered for "
tui_keys q
tui_wait "demo.jsonl  1/16"
rm "$T/stall"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop

"$WHITTLE" --engine nowhere "$F" 2>"$T/err" && fail "--engine nowhere accepted"
grep -q "an engine is ssh:HOST" "$T/err" || fail "--engine nowhere: $(cat "$T/err")"
stop_engine
done_test

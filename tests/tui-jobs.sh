# The Jobs view through tmux against a real engine: :jobs lists the jobs
# newest first with kind, state, progress, times, exit status and name, and
# follows them as they change (queued, waiting, running, cancelled, failed); c
# cancels the selected job once y confirms, Enter shows its log with the
# engine's last line, f shows one state, ? lists the keys from the view's
# keymap, m opens the run in the Runs view, q goes back.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/engine/lib.sh"
. "$SRCDIR/tests/tui-lib.sh"

F="$T/demo.jsonl"
cp "$SRCDIR/examples/demo-r1-messages.jsonl" "$F"
mkdir "$T/job"
cat >"$T/job/wait.sh" <<'EOS'
echo '{"step": 5, "max_steps": 10}'
while :; do sleep 1; done
EOS
"$WHITTLE" engine start >/dev/null || fail "engine start"
tui_start 130 30 "$F"
tui_wait "demo.jsonl  1/16"
tui_keys : j o b s Enter
tui_wait "no jobs since the engine started"
tui_expect "kind  state       progress" "the header"

# Jobs submitted while the view is open show up.
cd "$T/job"
waiter=$("$WHITTLE" engine submit --name waiter -- sh wait.sh) || fail "submit"
wait_for 10 grep -q '"max_steps"' "$RUNS/$waiter/metrics.jsonl" || fail "the job did not report"
# One job runs at a time: this one waits in the queue.
second=$("$WHITTLE" engine submit --name second -- sh -c 'echo hello from second; exit 3')
state_is "$second" queued || fail "the second job is not queued: $(run_state "$second")"
cd "$T"
tui_wait "Jobs 2 "
tui_gone "no jobs since" "the jobs replace the empty list"
tui_wait_re "^[> ] $second  *exec  *queued  *- *- *-  *-  *second$"
tui_wait_re "^[> ] $waiter  *exec  *running  *50%  [0-9][0-9]:[0-9][0-9]:[0-9][0-9]  *-  *[0-9]:[0-9][0-9]  *-  *waiter$"

# c asks first; n keeps the job, y cancels it. Then the queued job runs
# and fails, and both rows change.
tui_keys j
tui_wait_re "^> $waiter  *exec  *running"
tui_keys c
tui_wait "cancel job $waiter (waiter)? y/n"
tui_keys n
tui_wait "job $waiter not cancelled"
state_is "$waiter" running || fail "n cancelled the job"
tui_keys c
tui_wait "cancel job $waiter (waiter)? y/n"
tui_keys y
tui_wait "cancel $waiter: stopping"
tui_wait_re "^> $waiter  *exec  *cancelled  *50%  [0-9:]*  *[0-9][0-9]:[0-9][0-9]:[0-9][0-9]  .*waiter$"
wait_for 10 state_is "$waiter" cancelled || fail "the job was not cancelled: $(run_state "$waiter")"
tui_wait_re "^  $second  *exec  *failed  .*  exit 3  *second$"
tui_keys c
tui_wait "job $waiter is cancelled: nothing to cancel"

# Enter: the selected job's log, ending with the engine's line.
tui_keys k Enter
tui_wait "hello from second"
tui_wait "whittle: job $second failed: exited with status 3"
tui_keys j
tui_wait "whittle: job $waiter cancelled"
tui_gone "hello from second" "the log follows the selection"
tui_keys q
tui_gone "whittle: job $waiter cancelled" "q hides the log"
tui_expect "Jobs 2 " "q hides the log and stays in the view"

# f: one state at a time, then all again.
tui_keys f f f f f
tui_wait "Jobs 1   only failed"
tui_wait_re "^> $second  *exec  *failed"
tui_gone "waiter" "the filter hides the cancelled job"
tui_keys f
tui_wait "Jobs 1   only cancelled"
tui_keys f f
tui_wait "Jobs 2   all"

# ? lists the keys from the view's own table.
tui_keys '?'
tui_wait "Jobs view keys"
tui_expect "c                cancel the job (y confirms)" "the help"
tui_expect "<Enter> o        show or hide the job's log" "keys of one action together"
tui_keys x
tui_gone "Jobs view keys" "a key closes the help"

# A builtin job's kind is its command; m opens its run in the Runs view.
stepped=$("$WHITTLE" engine submit step thinkfree "$F" -o "$T/out.jsonl")
wait_for 10 state_is "$stepped" done || fail "the step job: $(run_state "$stepped")"
tui_wait_re "^  $stepped  *step  *done  *100%  .*  exit 0  *step thinkfree$"
tui_keys g
tui_wait_re "^> $stepped"
tui_keys m
tui_wait_re "^> $stepped  *done"
tui_wait "Runs 3 "
tui_keys q
tui_wait "Jobs 3 "

# A job that waits for another shows so, then how its wait ended.
cd "$T/job"
held=$("$WHITTLE" engine submit --name held -- sh wait.sh) || fail "submit held"
after=$("$WHITTLE" engine submit --name after --after "$held" -- true) || fail "submit --after"
cd "$T"
tui_wait "Jobs 5 "
tui_wait_re "^[> ] $after  *exec  *waiting  .*  after$"
"$WHITTLE" cancel "$held" >/dev/null || fail "cancel held"
tui_wait_re "^[> ] $after  *exec  *cancelled  .*  after$"
tui_wait_re "^[> ] $held  *exec  *cancelled  .*  held$"

# :jobs STATE opens the view on one state, :jobs ID on that job.
tui_keys q
tui_wait "demo.jsonl  1/16"
tui_keys ":jobs failed" Enter
tui_wait "Jobs 1   only failed"
tui_keys q ":jobs $waiter" Enter
tui_wait_re "^> $waiter"
tui_keys q ":jobs nosuch" Enter
tui_wait "no job nosuch"
tui_keys q
tui_wait "demo.jsonl  1/16"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop
stop_engine
done_test

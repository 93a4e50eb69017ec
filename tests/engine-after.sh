# Jobs that wait for others (submit --after ID), with two job slots: one
# starts only once the run it waits for ended done; one waiting for a run
# that fails is cancelled saying which run and how it ended, and so is one
# waiting for that; a cancelled waiter never starts; an unknown id is
# refused; the files of a waiting job are not checked at submit; an
# engine killed and started again keeps the wait (and cancels a waiting
# run of a backend it lacks); a job whose wait ends queues behind those
# queued before; one that fails to start cancels its waiters at once; a
# job cancelled while waiting can be resumed, and resuming the run it
# waited for takes it back.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/engine/lib.sh"

# gate NAME: a command that runs until the file NAME appears.
gate() {
	echo "while [ ! -e $1 ]; do sleep 0.05; done"
}

json_field() {
	sed -n "s/^[[:space:]]*\"$2\":[[:space:]]*\"\\(.*\\)\",\$/\\1/p" "$RUNS/$1/run.json"
}

mkdir "$T/work"
cd "$T/work"
"$WHITTLE" engine start --jobs 2 >/dev/null || fail "engine start"

# The second job needs what the first writes as it ends.
a=$("$WHITTLE" engine submit --name slow -- sh -c "$(gate go-a); touch a-done") || fail "submit a"
b=$("$WHITTLE" engine submit --name next --after "$a" -- sh -c 'test -e a-done') ||
	fail "submit --after"
state_is "$b" waiting || fail "the job after a running one: $(run_state "$b")"
wait_for 10 state_is "$a" running || fail "the first job: $(run_state "$a")"
state_is "$b" waiting || fail "a free slot started the waiting job: $(run_state "$b")"
"$WHITTLE" runs | grep -q "^$b  *waiting  *-  *-  *next$" || fail "runs: $("$WHITTLE" runs)"
"$WHITTLE" runs --json | tr -d ' \n\t' | grep -q "\"id\":\"$b\",[^}]*\"state\":\"waiting\"[^}]*\"after\":\\[\"$a\"\\]" ||
	fail "runs --json: $("$WHITTLE" runs --json)"
"$WHITTLE" runs show "$b" | grep -q "^after:    $a$" || fail "runs show: $("$WHITTLE" runs show "$b")"
touch go-a
wait_for 10 state_is "$b" done || fail "the job after: $(run_state "$b"): $(cat "$RUNS/$b/log")"
state_is "$a" done || fail "the first job: $(run_state "$a")"

# A failure cancels what waits for it, and what waits for that.
f=$("$WHITTLE" engine submit -- sh -c "$(gate go-f); exit 1")
c=$("$WHITTLE" engine submit --after "$f" -- touch c-ran)
d=$("$WHITTLE" engine submit --after "$c" -- touch d-ran)
state_is "$c" waiting && state_is "$d" waiting || fail "waiting: $(run_state "$c") $(run_state "$d")"
touch go-f
wait_for 10 state_is "$d" cancelled || fail "the job after the cancelled one: $(run_state "$d")"
state_is "$f" failed || fail "the failing job: $(run_state "$f")"
state_is "$c" cancelled || fail "the job after the failed one: $(run_state "$c")"
expect_eq "$(json_field "$c" error)" "waited for run $f, which ended failed" "the reason"
expect_eq "$(tail -n 1 "$RUNS/$c/log")" \
	"whittle: job $c cancelled: waited for run $f, which ended failed" "the log's end"
expect_eq "$(json_field "$d" error)" "waited for run $c, which ended cancelled" "the second reason"
expect_eq "$(json_field "$c" cancelled_by)" "$f" "the run that cancelled it"
expect_eq "$(json_field "$d" cancelled_by)" "$c" "the run that cancelled the second"
[ -e c-ran ] || [ -e d-ran ] && fail "a cancelled job ran"

# Runs that ended before: done lets the job run at once, failed cancels it.
e=$("$WHITTLE" engine submit --after "$a" --after "$b" -- touch e-ran)
wait_for 10 state_is "$e" done || fail "after done runs: $(run_state "$e")"
g=$("$WHITTLE" engine submit --after "$a" --after "$f" -- touch g-ran)
wait_for 10 state_is "$g" cancelled || fail "after a failed run: $(run_state "$g")"
expect_eq "$(json_field "$g" error)" "waited for run $f, which ended failed" "after a failed run"

# A waiting job cancelled never starts, though its run then ends done.
h=$("$WHITTLE" engine submit -- sh -c "$(gate go-h)")
k=$("$WHITTLE" engine submit --after "$h" -- touch k-ran)
"$WHITTLE" cancel "$k" >/dev/null || fail "cancel of a waiting job"
state_is "$k" cancelled || fail "cancelled while waiting: $(run_state "$k")"
grep -q '"cancelled_by"' "$RUNS/$k/run.json" && fail "a cancel by hand names a run"
touch go-h
wait_for 10 state_is "$h" done || fail "the gate: $(run_state "$h")"
[ -e k-ran ] && fail "the cancelled waiting job ran"
# It never started, so it can be resumed: it waits again, and runs.
"$WHITTLE" runs resume "$k" >/dev/null || fail "resume of a job cancelled while waiting"
wait_for 10 state_is "$k" done || fail "the resumed waiting job: $(run_state "$k")"
[ -e k-ran ] || fail "the resumed waiting job did not run"

# An unknown id is refused, and no run is made.
before=$(ls "$RUNS" | wc -l)
"$WHITTLE" engine submit --after 20990101-000000-beef -- true 2>"$T/err" &&
	fail "an unknown id was taken"
grep -q "no run 20990101-000000-beef to wait for" "$T/err" || fail "unknown id: $(cat "$T/err")"
for cmd in "runs show" watch cancel; do
	"$WHITTLE" $cmd ./no/such 2>"$T/err" && fail "$cmd: a path that is not there"
	grep -qx 'whittle: ./no/such: no such folder, and not a run id (`whittle runs` lists them)' "$T/err" ||
		fail "$cmd: a missing path: $(cat "$T/err")"
done
for cmd in "runs show" watch; do
	"$WHITTLE" $cmd 20990101-000000-beef 2>"$T/err" && fail "$cmd: an unknown id"
	grep -qx 'whittle: no run 20990101-000000-beef (`whittle runs` lists them)' "$T/err" ||
		fail "$cmd: unknown id: $(cat "$T/err")"
done
printf '%s\n' '{"v":1,"id":1,"op":"submit","job":{"backend":"exec","argv":["true"],"after":"x"}}' |
	"$WHITTLE" engine connect | grep -q '"code":"bad-job".*after.. is not an array of run ids' ||
	fail "after not an array"
expect_eq "$(ls "$RUNS" | wc -l)" "$before" "runs made by refused jobs"

# The files a waiting job reads are its runs' to write: not checked at
# submit (an eval of a dataset not there yet), though without --after they are.
"$WHITTLE" engine submit eval ckpt later.jsonl 2>/dev/null && fail "eval of a missing dataset"
h=$("$WHITTLE" engine submit -- sh -c "$(gate go-e)")
v=$("$WHITTLE" engine submit --after "$h" eval ckpt later.jsonl) ||
	fail "a waiting eval of a dataset to come was refused"
"$WHITTLE" engine submit --after "$h" eval ckpt later.jsonl --bogus 2>/dev/null &&
	fail "a waiting job's options were not checked"
"$WHITTLE" cancel "$v" >/dev/null
touch go-e

# kill -9 of the engine: the run waited for ends interrupted; the waiting
# job stays waiting for a training run, which can be resumed, and is
# cancelled when it waited for an exec job, which cannot.
stop_engine
"$WHITTLE" engine start --jobs 1 >/dev/null || fail "engine start --jobs 1"
for i in $(seq 1 30); do
	printf '{"prompt": "%d+%d=", "completion": "%d"}\n' "$i" "$i" $((i + i))
done >add.jsonl
r=$("$WHITTLE" engine submit -- sh -c "$(gate go-r)")
t=$("$WHITTLE" engine submit train add.jsonl --steps 2 --batch 2 --seq 24 --threads 1 --quiet)
w=$("$WHITTLE" engine submit --after "$t" -- touch w-ran)
x=$("$WHITTLE" engine submit --after "$r" -- touch x-ran)
wait_for 10 state_is "$r" running || fail "the gate before the kill: $(run_state "$r")"
state_is "$t" queued || fail "the train job before the kill: $(run_state "$t")"
pid=$(engine_pid)
kill -9 "$pid"
wait_for 5 eval "! kill -0 $pid 2>/dev/null" || fail "the engine outlived kill -9"
"$WHITTLE" engine start --jobs 1 >/dev/null || fail "restart"
state_is "$t" interrupted || fail "the train job after the restart: $(run_state "$t")"
state_is "$w" waiting || fail "the job after the train job: $(run_state "$w")"
wait_for 10 state_is "$x" cancelled || fail "the job after the exec job: $(run_state "$x")"
expect_eq "$(json_field "$x" error)" "waited for run $r, which ended interrupted" "after the restart"
# An eval of the interrupted training run waits for it, as the engine does.
cat >eval.jsonl <<'END'
{"question": "12+34", "thinking": "", "answer": "", "gold": "46"}
{"question": "25+17", "thinking": "", "answer": "", "gold": "43"}
END
cat >interrupted.lua <<LUA
local wh = require "whittle"
local e = wh.eval{ checkpoint = wh.job("$t"), data = "eval.jsonl", threads = 1 }
print(e:state(), e:cancel())
LUA
expect_eq "$("$WHITTLE" lua interrupted.lua 2>&1)" "waiting	cancelled" \
	"an eval of an interrupted training run"
# A waiting run whose backend the next engine lacks is cancelled, and so
# is the job waiting for it.
u=$("$WHITTLE" engine submit --after "$t" -- touch u-ran)
uu=$("$WHITTLE" engine submit --after "$u" -- touch uu-ran)
# A clean stop keeps it waiting too.
"$WHITTLE" engine stop >/dev/null || fail "engine stop"
state_is "$w" waiting || fail "after engine stop: $(run_state "$w")"
sed -i 's/"backend":[[:space:]]*"exec"/"backend": "gone"/' "$RUNS/$u/run.json"
"$WHITTLE" engine start --jobs 1 >/dev/null || fail "start again"
state_is "$w" waiting || fail "after the second start: $(run_state "$w")"
wait_for 10 state_is "$uu" cancelled || fail "the job after a run of no backend: $(run_state "$uu")"
state_is "$u" cancelled || fail "the run of no backend: $(run_state "$u")"
expect_eq "$(tail -n 1 "$RUNS/$u/log")" \
	"whittle: job $u cancelled: its backend is not in this engine" "a run of no backend"
expect_eq "$(json_field "$uu" error)" "waited for run $u, which ended cancelled" \
	"after a run of no backend"
"$WHITTLE" runs resume "$t" >/dev/null || fail "resume of the train job"
wait_for 60 state_is "$w" done || fail "the job after the resumed run: $(run_state "$w"): $(cat "$RUNS/$t/log")"
state_is "$t" done || fail "the resumed train job: $(run_state "$t")"
[ -e w-ran ] || fail "the waiting job did not run"
[ -e x-ran ] && fail "the cancelled job ran"

# With one slot, a job whose wait ends is queued after the jobs queued
# before it.
o=$("$WHITTLE" engine submit -- sh -c "$(gate go-o)")
wait_for 10 state_is "$o" running || fail "the gate of the order: $(run_state "$o")"
p=$("$WHITTLE" engine submit --after "$o" -- sh -c 'echo after >>order')
q=$("$WHITTLE" engine submit -- sh -c 'echo plain >>order')
touch go-o
wait_for 10 state_is "$p" done || fail "the job after the gate: $(run_state "$p")"
wait_for 10 state_is "$q" done || fail "the job queued plainly: $(run_state "$q")"
expect_eq "$(tr '\n' ' ' <order)" "plain after " "the order of the queue"

# A job that fails to start (its log cannot be opened) cancels at once
# the job waiting for it.
sg=$("$WHITTLE" engine submit -- sh -c "$(gate go-s)")
wait_for 10 state_is "$sg" running || fail "the gate of the start: $(run_state "$sg")"
sa=$("$WHITTLE" engine submit -- true)
sb=$("$WHITTLE" engine submit --after "$sa" -- touch sb-ran)
mkdir "$RUNS/$sa/log"
touch go-s
wait_for 10 state_is "$sa" failed || fail "the job that cannot start: $(run_state "$sa")"
wait_for 10 state_is "$sb" cancelled || fail "the job after one that did not start: $(run_state "$sb")"
expect_eq "$(json_field "$sb" error)" "waited for run $sa, which ended failed" "after a failed start"

# A training job that fails (its data is missing when it starts) cancels
# the job after it, which cannot be resumed while that run stays failed;
# resumed to done, the training job takes it back, and it runs; not a job
# after it that was cancelled by hand.
tg=$("$WHITTLE" engine submit -- sh -c "$(gate go-t)")
tt=$("$WHITTLE" engine submit --after "$tg" train later.jsonl --steps 2 --batch 2 --seq 24 \
	--threads 1 --quiet) || fail "submit of a train job after a gate"
te=$("$WHITTLE" engine submit --after "$tt" -- touch te-ran)
th=$("$WHITTLE" engine submit --after "$tt" -- touch th-ran)
"$WHITTLE" cancel "$th" >/dev/null || fail "cancel of a job after the train job"
touch go-t
wait_for 30 state_is "$tt" failed || fail "the train job without data: $(run_state "$tt")"
wait_for 10 state_is "$te" cancelled || fail "the job after it: $(run_state "$te")"
expect_eq "$(json_field "$te" cancelled_by)" "$tt" "the run that cancelled the job after it"
"$WHITTLE" runs resume "$te" 2>"$T/err" && fail "resume of a job whose run failed"
grep -q "run $te waits for run $tt, which ended failed" "$T/err" ||
	fail "resume of a job whose run failed: $(cat "$T/err")"
state_is "$te" cancelled || fail "after a refused resume: $(run_state "$te")"
cp add.jsonl later.jsonl
"$WHITTLE" runs resume "$tt" >/dev/null || fail "resume of the failed train job"
wait_for 60 state_is "$te" done || fail "the job after the resumed one: $(run_state "$te")"
state_is "$tt" done || fail "the resumed train job: $(run_state "$tt")"
[ -e te-ran ] || fail "the job after the resumed one did not run"
grep -q '"cancelled_by"' "$RUNS/$te/run.json" && fail "a resumed run still names what cancelled it"
state_is "$th" cancelled || fail "the job cancelled by hand: $(run_state "$th")"
[ -e th-ran ] && fail "the job cancelled by hand ran"
expect_eq "$(grep -c 'cancelled' "$RUNS/$te/log")" 1 "cancel lines in the log"

# From Lua, with two slots: after = a job, an id or a list of them; an
# eval of a training job that has not ended waits for it by itself.
stop_engine
"$WHITTLE" engine start --jobs 2 >/dev/null || fail "engine start for Lua"
cat >after.lua <<'LUA'
local wh = require "whittle"
local g = wh.job{ "sh", "-c", "while [ ! -e go-l ]; do sleep 0.05; done", name = "gate" }
local t = wh.train{ data = "add.jsonl", steps = 2, batch = 2, seq = 24, threads = 1,
	quiet = true, name = "student", after = g }
local e = wh.eval{ checkpoint = t, data = "eval.jsonl", threads = 1, name = "grade" }
print("ids", t.id, e.id)
print("waiting", t:state(), e:state())
assert(io.open("go-l", "w")):close()
print("evaluated", e:wait(), t:state())
local f = wh.job{ "false" }
local x = wh.job{ "touch", "x-lua", after = { g, f.id } }
print("after failed", x:wait())
local y = wh.job{ "touch", "y-lua", after = e.id }
print("after done", y:wait())
print("bad", pcall(wh.job, { "true", after = 5 }))
LUA
"$WHITTLE" lua after.lua >"$T/out" 2>"$T/err" || fail "whittle lua: $(cat "$T/err")"
expect_eq "$(grep '^waiting' "$T/out")" "waiting	waiting	waiting" "waiting in Lua"
expect_eq "$(grep '^evaluated' "$T/out")" "evaluated	done	done" "the eval after the train job"
expect_eq "$(grep '^after failed' "$T/out")" "after failed	cancelled" "after a failed job"
expect_eq "$(grep '^after done' "$T/out")" "after done	done" "after an id"
grep -q '^bad	false	.*after must be a job, a run id or a list of them' "$T/out" ||
	fail "bad after: $(grep '^bad' "$T/out")"
set -- $(sed -n 's/^ids	//p' "$T/out")
"$WHITTLE" runs show --json "$2" | jq -e --arg t "$1" '.spec.after == [$t]' >/dev/null ||
	fail "the eval's after: $("$WHITTLE" runs show --json "$2")"
[ -e x-lua ] && fail "the job after a failed one ran"
stop_engine
done_test

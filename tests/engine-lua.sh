# wh.job, wh.train and wh.runs from a script run by `whittle lua`: a
# training run submitted, waited for and its metrics read back; an exec job
# that a wait with a timeout leaves running, then cancelled; a handle on an
# existing run; a pipeline step as a builtin job; errors raised in Lua; a
# script run as a job itself.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/engine/lib.sh"
export XDG_CONFIG_HOME="$T/config"
demo="$EXAMPLES/demo-r1-messages.jsonl"

for i in $(seq 1 30); do
	printf '{"prompt": "%d+%d=", "completion": "%d"}\n' "$i" "$i" $((i + i))
done >"$T/add.jsonl"
cat >"$T/drive.lua" <<'LUA'
local wh = require "whittle"
local dir, demo = ...
local t = wh.train{ data = dir .. "/add.jsonl", steps = 6, batch = 2, seq = 24,
	warmup = 1, threads = 1, quiet = true, eval_every = 3, name = "lua-train" }
print("train", t:wait())
local loss = t:metrics("loss")
print("losses", #loss, loss[1].step, loss[#loss].step, type(loss[1].value))
print("evals", #t:metrics("eval_loss"))
print("all", #t:metrics() > #loss)
print("again", wh.job(t.id):state(), tostring(wh.job(t.id)) == "job " .. t.id)
local j = wh.job{ "sh", "-c", "echo started; sleep 30", name = "sleeper" }
print("timeout", j:wait(0.2))
print("cancel", j:cancel())
print("cancelled", j:wait())
print("log", j:log():match("^[^\n]*"), j:log():match("[^\n]*\n$") == "whittle: job " .. j.id .. " cancelled\n")
local p = wh.job{ backend = "builtin", "step", "thinkfree", demo, "-o", dir .. "/tf.jsonl" }
local state = p:wait()
local records = p:metrics("records")
print("step", state, records[1].value, records[#records].value)
local names = {}
for _, r in ipairs(wh.runs()) do names[#names + 1] = r.name end
print("runs", table.concat(names, ","))
print("bad", pcall(wh.job, { backend = "builtin", "engine", "stop" }))
print("nodata", pcall(wh.train, { steps = 1 }))
print("norun", pcall(wh.job, "20990101-000000-beef"))
LUA
cd "$T"
"$WHITTLE" lua drive.lua "$T" "$demo" >"$T/out" 2>"$T/err" || fail "whittle lua: $(cat "$T/err")"
n=$(wc -l <"$demo")
expect_eq "$(grep '^train' "$T/out")" "train	done" "wh.train waited for"
expect_eq "$(grep '^losses' "$T/out")" "losses	6	1	6	number" "metrics of the run"
expect_eq "$(grep '^evals' "$T/out")" "evals	2" "eval_loss points"
expect_eq "$(grep '^all' "$T/out")" "all	true" "metrics() gives every name"
expect_eq "$(grep '^again' "$T/out")" "again	done	true" "a handle on an existing run"
expect_eq "$(grep '^timeout' "$T/out")" "timeout	nil	timeout" "wait with a timeout"
expect_eq "$(grep '^cancel	' "$T/out")" "cancel	running" "cancel"
expect_eq "$(grep '^cancelled' "$T/out")" "cancelled	cancelled" "wait after cancel"
expect_eq "$(grep '^log' "$T/out")" "log	started	true" "the job's log, with the engine's last line"
expect_eq "$(grep '^step' "$T/out")" "step	done	0	$n" "a step as a builtin job, from 0 records to all"
"$WHITTLE" step thinkfree "$demo" -o "$T/tf2.jsonl"
cmp -s "$T/tf.jsonl" "$T/tf2.jsonl" || fail "the step job wrote other bytes"
expect_eq "$(grep '^runs' "$T/out")" "runs	lua-train,sleeper,step thinkfree" "wh.runs"
grep -q '^bad	false	.*runs train, eval, run, step or lua' "$T/out" || fail "bad job: $(grep '^bad' "$T/out")"
grep -q '^nodata	false	.*needs data' "$T/out" || fail "train without data"
grep -q '^norun	false	.*20990101-000000-beef' "$T/out" || fail "handle on no run"
ls "$RUNS"/*/checkpoints/checkpoint-6/DONE >/dev/null 2>&1 || fail "no checkpoint"

# A script run as a job takes no slot: with one job at a time, the training
# run it submits still runs, and it waits for it.
cat >"$T/job.lua" <<'LUA'
local wh = require "whittle"
local t = wh.train{ data = "add.jsonl", steps = 2, batch = 2, seq = 24, threads = 1, quiet = true }
print("trained", t:wait())
LUA
id=$("$WHITTLE" engine submit lua job.lua) || fail "submit lua"
"$WHITTLE" watch --plain "$id" >/dev/null || fail "the lua job: $(cat "$RUNS/$id/log")"
grep -q "^trained	done$" "$RUNS/$id/log" || fail "the lua job's log: $(cat "$RUNS/$id/log")"
"$WHITTLE" runs | grep -q "^$id  *done .* lua job.lua$" || fail "lua job name"

# A script error names the file and line; the exit status says so.
printf 'local wh = require "whittle"\nerror("boom")\n' >"$T/bad.lua"
"$WHITTLE" lua "$T/bad.lua" 2>"$T/err" && fail "a failing script exited 0"
grep -q "bad.lua:2:.*boom" "$T/err" || fail "script error: $(cat "$T/err")"
stop_engine
done_test

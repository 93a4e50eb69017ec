# A remote engine through ssh, as `--engine ssh:HOST` reaches it: a
# stand-in ssh runs `whittle engine connect` here with the remote PATH of
# $REMOTE_PATH; ssh is asked for keepalives. What goes wrong says what failed and what to do: no whittle
# on the remote PATH, another whittle version there, ssh that fails; a link
# that breaks mid-watch is connected again, and no point is lost or printed
# twice. A job submitted from here runs in the remote home folder, not in
# this machine's folder, and a folder the engine's machine lacks is refused;
# errors about runs name the remote engine.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/engine/lib.sh"

mkdir "$T/bin" "$T/remote" "$T/old"
ln -s "$WHITTLE" "$T/remote/whittle"
# ssh -T -- HOST COMMAND...: note its pid, run COMMAND with the remote PATH
# and home folder.
mkdir "$T/home" "$T/home/data" "$T/laptop"
cat >"$T/bin/ssh" <<EOF
#!/bin/sh
echo \$\$ >>"$T/ssh.pids"
echo "\$*" >"$T/ssh.args"
while [ "\$1" != -- ]; do shift; done
shift
[ -f "$T/ssh-fails" ] && { echo "ssh: connect to host \$1 port 22: Connection refused" >&2; exit 255; }
shift
[ -f "$T/no-whittle" ] && REMOTE_PATH=/usr/bin:/bin
cd "$T/home" && HOME="$T/home" PATH="\$REMOTE_PATH" exec "\$@"
EOF
chmod +x "$T/bin/ssh"
export PATH="$T/bin:$PATH" REMOTE_PATH="$T/remote:/usr/bin:/bin"

"$WHITTLE" runs --engine ssh:box >/dev/null || fail "runs through ssh"
# Keepalives, so that a link gone dead ends ssh (and watch connects again).
expect_eq "$(cat "$T/ssh.args")" \
	"-T -o ServerAliveInterval=15 -o ServerAliveCountMax=3 -- box whittle engine connect" "ssh's arguments"

# Submitted from a folder of this machine, a job runs in the remote home
# folder (relative paths are the remote's, as with ssh), or in --cwd DIR.
first_line() {
	wait_for 10 state_is "$1" done || fail "run $1: $(run_state "$1")"
	head -n 1 "$RUNS/$1/log"
}
id=$(cd "$T/laptop" && "$WHITTLE" engine submit --engine ssh:box -- pwd)
expect_eq "$(first_line "$id")" "$T/home" "the folder of a job submitted through ssh"
id=$(cd "$T/laptop" && "$WHITTLE" engine submit --engine ssh:box --cwd "$T/home/data" -- pwd)
expect_eq "$(first_line "$id")" "$T/home/data" "the folder of a job submitted with --cwd"
printf '%s\n' 'local wh = require "whittle"' 'local h = wh.job{ "pwd" }' 'h:wait()' 'io.write(h:log())' >"$T/laptop/where.lua"
(cd "$T/laptop" && WHITTLE_ENGINE=ssh:box "$WHITTLE" lua where.lua) >"$T/out" 2>&1 ||
	fail "a Lua script's job through ssh: $(cat "$T/out")"
expect_eq "$(head -n 1 "$T/out")" "$T/home" "the folder of a Lua script's job through ssh"
# A file of this machine only: the refusal says where it was looked for.
echo '{"text": "a b"}' >"$T/laptop/sft.jsonl"
(cd "$T/laptop" && "$WHITTLE" engine submit --engine ssh:box train sft.jsonl) >/dev/null 2>"$T/err"
expect_eq "$?" 2 "submit of a file the remote lacks"
expect_eq "$(tail -n 1 "$T/err")" "whittle: the engine on box checked the job there: the files it names are box's, from the home folder there (or --cwd DIR); copy them over first (scp FILE box:)" \
	"submit of a file the remote lacks"
(cd "$T/laptop" && "$WHITTLE" engine submit --engine ssh:box --cwd /nonexistent-folder -- pwd) \
	>/dev/null 2>"$T/err" && fail "a job in a folder the engine's machine lacks was taken"
expect_eq "$(head -n 1 "$T/err")" "whittle: the job's folder /nonexistent-folder is not a folder on the engine's machine (a folder of another machine?)" \
	"a job in a folder the engine's machine lacks"

# A remote engine takes run ids, not folders, and names itself in the
# hint of a run it lacks.
"$WHITTLE" watch --engine ssh:box "$RUNS/$id" 2>"$T/err" && fail "watch of a folder through ssh succeeded"
expect_eq "$(cat "$T/err")" "whittle: $RUNS/$id: not a run id; a remote engine (ssh:box) takes the id of a run, not its folder (\`whittle runs --engine ssh:box\` lists them)" \
	"watch of a folder through ssh"
"$WHITTLE" runs show --engine ssh:box 20990101-000000-none 2>"$T/err" && fail "runs show of no run through ssh succeeded"
expect_eq "$(cat "$T/err")" "whittle: no run 20990101-000000-none (\`whittle runs --engine ssh:box\` lists them)" \
	"runs show of no run through ssh"

# No whittle on the remote PATH.
REMOTE_PATH=/usr/bin:/bin "$WHITTLE" runs --engine ssh:box >/dev/null 2>"$T/err" &&
	fail "runs with no remote whittle succeeded"
grep -q "^whittle: ssh box: no whittle on box's PATH (exit status 127): install it there" "$T/err" ||
	fail "no remote whittle: $(cat "$T/err")"

# No ssh here.
mkdir "$T/nossh"
ln -s "$WHITTLE" "$T/nossh/whittle"
PATH="$T/nossh" "$WHITTLE" runs --engine ssh:box 2>"$T/err" && fail "runs with no ssh succeeded"
expect_eq "$(cat "$T/err")" "whittle: cannot run ssh: No such file or directory" "runs with no ssh"
# No file descriptors left for ssh's pipes: said so, and nothing else fails.
(ulimit -n 6 && exec "$WHITTLE" runs --engine ssh:box) 2>"$T/err" && fail "runs with no descriptors left"
expect_eq "$(cat "$T/err")" "whittle: cannot make a pipe: Too many open files" "runs with no pipe"

# A remote whittle of another protocol, and one with no `engine connect`.
printf '#!/bin/sh\nread -r line\necho '\''%s'\''\n' \
	'{"v":1,"id":1,"ok":true,"protocol":2,"version":"9.0.0","pid":1,"socket":"s"}' >"$T/old/whittle"
chmod +x "$T/old/whittle"
REMOTE_PATH="$T/old:/usr/bin:/bin" "$WHITTLE" watch --engine ssh:box 20260101-000000-abcd 2>"$T/err" &&
	fail "watch of an engine of another protocol succeeded"
grep -q "^whittle: the engine on box is whittle 9.0.0, protocol 2; this is whittle [0-9.]*, protocol 1: run the same version on both sides" \
	"$T/err" || fail "another protocol: $(cat "$T/err")"
printf '#!/bin/sh\necho "whittle: unknown command" >&2\nexit 2\n' >"$T/old/whittle"
REMOTE_PATH="$T/old:/usr/bin:/bin" "$WHITTLE" engine submit --engine ssh:box -- true 2>"$T/err" &&
	fail "submit to a whittle with no engine connect succeeded"
grep -qx "whittle: the connection to ssh:box ended: 'whittle engine connect' there exited with status 2 ('ssh box whittle --version' names the version there)" \
	"$T/err" || fail "an old remote whittle: $(cat "$T/err")"

# ssh itself fails; what it said comes first.
touch "$T/ssh-fails"
"$WHITTLE" cancel --engine ssh:box 20260101-000000-abcd 2>"$T/err" && fail "cancel through a failing ssh succeeded"
grep -qx "whittle: ssh box failed (exit status 255): check that 'ssh box true' works" \
	"$T/err" || fail "ssh fails: $(cat "$T/err")"
expect_eq "$(head -n 1 "$T/err")" "ssh: connect to host box port 22: Connection refused" "what ssh said, first"
rm "$T/ssh-fails"

# The link breaks mid-watch (ssh killed): watch connects again and goes on
# after the last point it printed.
id=$("$WHITTLE" engine submit --engine ssh:box -- sh -c \
	"echo '{\"step\": 1, \"loss\": 1}'; while [ ! -f '$T/go' ]; do sleep 0.1; done; echo '{\"step\": 2, \"loss\": 2}'")
"$WHITTLE" watch --plain --engine ssh:box "$id" >"$T/w" 2>"$T/werr" &
watcher=$!
wait_for 10 grep -qs "^1 loss 1" "$T/w" || fail "watch through ssh: no first point"
kill "$(tail -n 1 "$T/ssh.pids")"
wait_for 20 grep -q "connected again; going on after point 1" "$T/werr" ||
	fail "watch did not connect again: $(cat "$T/werr")"
touch "$T/go"
wait "$watcher"
expect_eq "$?" 0 "watch exit after a broken link"
expect_eq "$(tr '\n' ';' <"$T/w")" "1 loss 1;2 loss 2;" "the points of a watch whose link broke"
grep -q "^whittle: the connection to ssh:box was lost (ssh killed by signal 15)" "$T/werr" ||
	fail "broken link: $(cat "$T/werr")"

# The link breaks and whittle is gone from the remote PATH: watch gives up
# at once, saying how to follow the run again.
id=$("$WHITTLE" engine submit --engine ssh:box -- sh -c \
	"echo '{\"step\": 1, \"loss\": 1}'; while [ ! -f '$T/go3' ]; do sleep 0.1; done")
"$WHITTLE" watch --plain --engine ssh:box "$id" >"$T/w2" 2>"$T/werr2" &
watcher=$!
wait_for 10 grep -qs "^1 loss 1" "$T/w2" || fail "watch through ssh: no point before the break"
touch "$T/no-whittle"
kill "$(tail -n 1 "$T/ssh.pids")"
wait "$watcher"
expect_eq "$?" 1 "watch exit when it cannot connect again"
expect_eq "$(tail -n 1 "$T/werr2")" "whittle: giving up; the run goes on there, and \`whittle watch --engine ssh:box $id\` follows it again" \
	"watch that gives up"
grep -q "^whittle: ssh box: no whittle on box's PATH (exit status 127)" "$T/werr2" ||
	fail "why watch gave up: $(cat "$T/werr2")"
rm "$T/no-whittle"
touch "$T/go3"

# The engine stops mid-watch: watch says so, and does not connect again.
id=$("$WHITTLE" engine submit --engine ssh:box -- sh -c \
	"echo '{\"step\": 1, \"loss\": 1}'; while :; do sleep 0.1; done")
"$WHITTLE" watch --plain --engine ssh:box "$id" >"$T/w3" 2>"$T/werr3" &
watcher=$!
wait_for 10 grep -qs "^1 loss 1" "$T/w3" || fail "watch through ssh: no point before the stop"
"$WHITTLE" engine stop >/dev/null
wait "$watcher"
expect_eq "$?" 1 "watch exit when the engine stops"
expect_eq "$(cat "$T/werr3")" "whittle: the engine on box closed the connection: it stopped, or died ('ssh box whittle engine status' says whether it runs)" \
	"watch when the engine stops"

done_test

# Helpers of the engine's shell tests (after tests/lib.sh): each test gets
# its own runtime folder and runs store under $T, and its engine is stopped
# when the test exits, however it exits.
export XDG_RUNTIME_DIR="$T/rt"
mkdir -m 700 "$XDG_RUNTIME_DIR"
HELPER="$BUILDDIR/tests/engine/helper"
RUNS="$XDG_DATA_HOME/whittle/runs"

engine_pid() {
	"$WHITTLE" engine status --json 2>/dev/null | sed -n 's/.*"pid":\([0-9]*\).*/\1/p'
}

stop_engine() {
	pid=$(engine_pid)
	[ -n "$pid" ] && "$WHITTLE" engine stop >/dev/null 2>&1
	[ -n "$pid" ] && kill -9 "$pid" 2>/dev/null
	return 0
}
trap stop_engine EXIT

# wait_for SECONDS COMMAND...: retry COMMAND every 0.1 s until it succeeds.
wait_for() {
	n=$(($1 * 10))
	shift
	while [ "$n" -gt 0 ]; do
		"$@" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}

# running CMDLINE: a process runs with exactly this command line (read from
# /proc, so that the tests need no procps).
running() {
	for f in /proc/[0-9]*/cmdline; do
		{ tr '\0' ' ' <"$f"; } 2>/dev/null
		echo
	done | grep -qx "$1 "
}

run_state() {
	sed -n 's/^[[:space:]]*"state":[[:space:]]*"\([a-z]*\)".*/\1/p' "$RUNS/$1/run.json"
}

state_is() {
	[ "$(run_state "$1")" = "$2" ]
}

# stalling_ssh DIR: a stand-in ssh in DIR (for PATH) that runs `whittle
# engine connect` here for `ssh -- HOST whittle engine connect`, holding
# back what the engine says while $T/stall is there (a link that stalls),
# and failing as ssh does (exit status 255) while $T/ssh-fails is there.
stalling_ssh() {
	mkdir -p "$1"
	cat >"$1/ssh" <<EOF
#!/bin/sh
[ -f "$T/ssh-fails" ] && { echo "ssh: connect to host box port 22: Connection refused" >&2; exit 255; }
while [ "\$1" != -- ]; do shift; done
shift 3
"$WHITTLE" "\$@" | while IFS= read -r line; do
	while [ -f "$T/stall" ]; do sleep 0.1; done
	printf '%s\n' "\$line"
done
EOF
	chmod +x "$1/ssh"
}

#!/bin/sh
# The Runs view over a slow link to a remote engine. A stand-in ssh relays
# the engine's connection with DELAY_MS (default 100) each way, a round
# trip of twice that; the workbench opens the Runs view through it
# (--engine ssh:box) on three finished runs, and each of PRESSES (default
# 10) presses of j or k is timed from the key to the screen showing the
# selection moved (the screen polled every 10 ms through tmux). With
# STREAM=N, the newest run is a live one that reports N points a second
# all the while (the view charts it while it is selected). For each build
# given, prints the median, the 99th percentile and the worst time; with
# two builds, the ratio of their medians. The engine and the far end of
# the link are the first build's.
#
# usage: bench/runs-link.sh WHITTLE [WHITTLE2]   Needs tmux and python3.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
abs() { echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"; }
W1=$(abs "${1:?usage: bench/runs-link.sh WHITTLE [WHITTLE2]}")
W2=${2:+$(abs "$2")}
delay=${DELAY_MS:-100}
presses=${PRESSES:-10}
T=$(mktemp -d "${TMPDIR:-/tmp}/whittle-bench.XXXXXX")
export XDG_RUNTIME_DIR="$T/rt" XDG_DATA_HOME="$T/data" XDG_STATE_HOME="$T/state"
export XDG_CONFIG_HOME="$T/config" XDG_CACHE_HOME="$T/cache"
export LANG=C.UTF-8 TERM=xterm-256color INPUTRC=/dev/null
mkdir -m 700 "$XDG_RUNTIME_DIR"
TM() { tmux -S "$T/tmux.sock" -f /dev/null "$@"; }
trap 'TM kill-server 2>/dev/null || true; "$W1" engine stop >/dev/null 2>&1 || true; rm -rf "$T"' EXIT
trap 'exit 1' INT TERM

# The relay: the engine's connection, each chunk held DELAY_MS each way.
cat >"$T/relay.py" <<'EOF'
import os, queue, subprocess, sys, threading, time
delay = float(sys.argv[1]) / 1000
p = subprocess.Popen(sys.argv[2:], stdin=subprocess.PIPE, stdout=subprocess.PIPE, bufsize=0)
def pump(src, dst, close):
    q = queue.Queue()
    def out():
        while True:
            due, data = q.get()
            time.sleep(max(0, due - time.monotonic()))
            if not data:
                close()
                return
            os.write(dst, data)
    threading.Thread(target=out, daemon=True).start()
    while True:
        data = os.read(src, 65536)
        q.put((time.monotonic() + delay, data))
        if not data:
            return
threading.Thread(target=pump, args=(0, p.stdin.fileno(), p.stdin.close), daemon=True).start()
pump(p.stdout.fileno(), 1, lambda: os._exit(0))
time.sleep(delay + 1)
EOF
mkdir "$T/bin"
cat >"$T/bin/ssh" <<EOF
#!/bin/sh
while [ "\$1" != -- ]; do shift; done
shift 3
exec python3 "$T/relay.py" "$delay" "$W1" "\$@"
EOF
chmod +x "$T/bin/ssh"

"$W1" engine start >/dev/null
for name in one two three; do
	id=$("$W1" engine submit --name "$name" -- sh -c \
		'for i in 1 2 3 4 5; do echo "{\"step\": $i, \"loss\": $i}"; done')
	while ! "$W1" runs 2>/dev/null | grep "$id" | grep -q done; do sleep 0.1; done
	ids="$id ${ids:-}"	# newest first, as the view lists them
done
if [ -n "${STREAM:-}" ]; then
	cat >"$T/stream.sh" <<EOF
i=0
while :; do
	i=\$((i + 1))
	echo "{\"step\": \$i, \"loss\": \$((i % 7))}"
	[ \$((i % $STREAM)) = 0 ] && sleep 1
done
EOF
	ids="$("$W1" engine submit --name live -- sh "$T/stream.sh") $ids"
fi
cp "$here/../examples/demo-r1-messages.jsonl" "$T/d.jsonl"

now() { date +%s.%N; }
# time_presses WHITTLE: one time (s) a line, a key each
time_presses() {
	TM new-session -d -s b -x 120 -y 40 \
		"PATH='$T/bin:$PATH' exec '$1' --engine ssh:box '$T/d.jsonl'"
	until TM capture-pane -p -t b | grep -q "d.jsonl"; do sleep 0.05; done
	TM send-keys -t b : r u n s Enter
	first=$(echo $ids | cut -d' ' -f1)
	until TM capture-pane -p -t b | grep -q "^> $first"; do sleep 0.05; done
	at=1 i=0
	while [ $i -lt "$presses" ]; do
		if [ $at = 1 ]; then key=j at=2; else key=k at=1; fi
		want=$(echo $ids | cut -d' ' -f$at)
		t0=$(now)
		TM send-keys -t b $key
		until TM capture-pane -p -t b | grep -q "^> $want"; do sleep 0.01; done
		echo "$(now) - $t0" | bc
		i=$((i + 1))
	done
	TM kill-server 2>/dev/null || true
	sleep 0.5
}
summary() {	# median, 99th percentile (nearest rank) and worst of the times on stdin
	sort -n | awk '{ t[NR] = $1 } END { p = int(0.99 * NR + 0.999);
		printf "%.3f %.3f %.3f\n", t[int((NR + 1) / 2)], t[p], t[NR] }'
}
s1=$(time_presses "$W1" | summary)
echo "link delay ${delay} ms each way, $presses presses of j/k${STREAM:+, a run streaming $STREAM points/s}; median, p99, worst (s):"
echo "  $W1: $s1"
if [ -n "$W2" ]; then
	s2=$(time_presses "$W2" | summary)
	echo "  $W2: $s2"
	echo "  ratio of the medians (second / first): $(echo "scale=1; ${s2%% *} / ${s1%% *}" | bc)x"
fi

#!/bin/sh
# How fast the engine ingests and fans out points: a job prints N metric
# lines as fast as it can (JSON on stdout), W `whittle watch --plain`
# clients follow the run; prints wall time, points/s and the engine's CPU.
# Usage: bench/engine-stream.sh BUILDDIR [N [W]]   (defaults 200000, 8)
set -eu
B=${1:?usage: bench/engine-stream.sh BUILDDIR [N [W]]}
N=${2:-200000}
W=${3:-8}
T=$(mktemp -d "${TMPDIR:-/tmp}/whittle-bench.XXXXXX")
export XDG_RUNTIME_DIR="$T/rt" XDG_DATA_HOME="$T/data"
mkdir -m 700 "$XDG_RUNTIME_DIR"
trap '"$B/whittle" engine stop >/dev/null 2>&1; rm -rf "$T"' EXIT
"$B/whittle" engine start >/dev/null
pid=$("$B/whittle" engine status --json | sed -n 's/.*"pid":\([0-9]*\).*/\1/p')
t0=$(date +%s.%N)
id=$("$B/whittle" engine submit -- "$B/tests/engine/helper" write "$N" 1000000000)
i=0
while [ $i -lt "$W" ]; do
	"$B/whittle" watch --plain "$id" >"$T/w$i" &
	i=$((i + 1))
done
wait
t1=$(date +%s.%N)
cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$pid/stat")
lines=$(cat "$T"/w* | wc -l)
awk -v n="$N" -v w="$W" -v a="$t0" -v b="$t1" -v cpu="$cpu" -v lines="$lines" 'BEGIN {
	printf "%d points, %d watchers: %.2f s, %.0f points/s in, %.0f events/s out, engine CPU %.2f s (%s of %d lines seen)\n",
	    n, w, b - a, n / (b - a), n * w / (b - a), cpu, lines, n * w }'

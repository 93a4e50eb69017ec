#!/bin/sh
# Usage: sh bench/train-batches.sh BUILDDIR [STEPS]
#
# What batches.jsonl costs a training run: the same run (by default the
# trainer's own small shape, where the loss of each row is the largest
# share of the work: 2 layers, hidden 64, 8 rows of 128 bytes; SHAPE=1m
# for the 1M-parameter shape of bench/train-bench.py) on one thread, with
# and without --no-batches, alternated, five times each; prints the least
# processor time (user + system, which a busy machine disturbs less than
# wall time) of each and their ratio.
set -eu
build=$1
steps=${2:-50}
whittle=$build/whittle
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT

# 2000 short documents of varied length, so rows pack many of them
awk 'BEGIN { srand(7); for (i = 0; i < 2000; i++) { s = ""; n = 20 + int(rand() * 200);
	for (k = 0; k < n; k++) s = s sprintf("%c", 97 + int(rand() * 26));
	printf "{\"prompt\": \"q%d: \", \"completion\": \"%s\", \"id\": \"r%d\"}\n", i, s, i } }' \
	>"$T/data.jsonl"
shape="--batch 8 --seq 128"
[ "${SHAPE:-}" = 1m ] &&
	shape="--layers 4 --hidden 128 --heads 4 --kv-heads 2 --intermediate 344 --batch 16 --seq 128"

run() {	# run NAME [OPTION]: processor seconds of one training run
	rm -rf "$T/$1"
	/usr/bin/time -f "%U %S" -o "$T/time" "$whittle" train "$T/data.jsonl" \
		--out "$T/$1" $shape --steps "$steps" -j 1 --save-every 0 --quiet ${2:-}
	awk '{ printf "%.2f\n", $1 + $2 }' "$T/time"
}

with=1e9 without=1e9
for i in 1 2 3 4 5; do
	t=$(run with); with=$(echo "$with $t" | awk '{ print ($2 < $1) ? $2 : $1 }')
	t=$(run without --no-batches); without=$(echo "$without $t" | awk '{ print ($2 < $1) ? $2 : $1 }')
done
lines=$(grep -c '^{"step":' "$T/with/batches.jsonl")
bytes=$(wc -c <"$T/with/batches.jsonl")
echo "steps $steps: with batches.jsonl ${with}s, without ${without}s (CPU)," \
	"ratio $(echo "$with $without" | awk '{ printf "%.3f", $1 / $2 }')" \
	"($lines lines, $bytes bytes)"

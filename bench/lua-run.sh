#!/bin/sh
# Throughput of `whittle run` with the DLCoT pipeline against `whittle stats`
# (the raw scan, the floor) and `whittle stats --segments` (the scan plus the
# segmenter every pruning step needs), with 1 and 2 threads: records/s and
# MB/s, best of $RUNS runs each (3); then the ratios the issue asks for:
# the pipeline's throughput over the raw scan's, and its speed-up from 1 to
# 2 threads. Wall times, and the CPU seconds of each (on a loaded machine
# the CPU ratio says more; the thread speed-up needs an idle one).
# usage: bench/lua-run.sh [FILE]   (default bench/out/traces-v2-1000mb.jsonl,
# made by `bench/stats.py --size-mb 1000 --keep`); $WHITTLE picks the binary.
here=$(cd "$(dirname "$0")" && pwd)
file=${1:-$here/out/traces-v2-1000mb.jsonl}
whittle=${WHITTLE:-whittle}
pipeline=${PIPELINE:-$here/../lua/whittle/pipelines/dlcot.lua}
[ -f "$file" ] || { echo "no $file: run bench/stats.py --size-mb 1000 --keep" >&2; exit 1; }
bytes=$(wc -c <"$file")
records=$(wc -l <"$file")

# best CMD...: "WALL CPU", the best wall time of $RUNS runs of CMD and the
# CPU seconds (user + sys, all threads) of that run.
best() {
	b="999999 0"
	for _ in $(seq "${RUNS:-3}"); do
		/usr/bin/time -f "%e %U %S" -o "$tmp" "$@" >/dev/null || exit 1
		b=$(echo "$(tail -1 "$tmp") $b" | awk '{print ($1<$4) ? $1 " " $2+$3 : $4 " " $5}')
	done
	echo "$b"
}

# row NAME CMD...: print the best time of CMD; keep it in $t_NAME (wall)
# and $c_NAME (CPU).
row() {
	name=$1; shift
	set -- $(best "$@")
	v=$(echo "$name" | tr - _)
	eval "t_$v=$1 c_$v=$2"
	echo "$name $1 $2 $records $bytes" |
	    awk '{printf "%-22s %8.2f s %8.2f s CPU %10.0f rec/s %8.1f MB/s\n", $1, $2, $3, $4/$2, $5/$2/1e6}'
}

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
echo "file: $file ($bytes bytes, $records records); $(nproc) cores"
row stats-j1 "$whittle" stats -j 1 "$file"
row stats-j2 "$whittle" stats -j 2 "$file"
row stats-segments-j1 "$whittle" stats --segments -j 1 "$file"
row stats-segments-j2 "$whittle" stats --segments -j 2 "$file"
row run-dlcot-j1 "$whittle" run -j 1 "$pipeline" "$file" -o /dev/null
row run-dlcot-j2 "$whittle" run -j 2 "$pipeline" "$file" -o /dev/null
a=$("$whittle" run -j 1 "$pipeline" "$file" -o - | md5sum)
b=$("$whittle" run -j 2 "$pipeline" "$file" -o - | md5sum)
[ "$a" = "$b" ] && echo "1 and 2 threads: the same bytes" || echo "1 and 2 threads DIFFER"
echo "$t_stats_j1 $t_stats_j2 $t_run_dlcot_j1 $t_run_dlcot_j2 $t_stats_segments_j1 $c_stats_j1 $c_run_dlcot_j1" | awk '{
	printf "run over stats: %.1f%% with 1 thread, %.1f%% with 2 (goal 25%%); by CPU time %.1f%%\n", 100*$1/$3, 100*$2/$4, 100*$6/$7
	printf "run from 1 to 2 threads: %.2fx (goal 1.8x)\n", $3/$4
	printf "stats --segments over stats: %.1f%% with 1 thread\n", 100*$1/$5 }'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

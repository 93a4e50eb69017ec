#!/bin/sh
# Throughput of `whittle run` with the DLCoT pipeline against `whittle stats`
# (the raw scan, the floor) and `whittle stats --segments` (the scan plus the
# segmenter every pruning step needs), with 1 and 2 threads, in one run:
# records/s and MB/s by wall time and by CPU time (user + sys, all threads),
# best of $RUNS runs each (3), each row with the load average it ran under;
# then the ratios the issue asks for: the pipeline's throughput over the raw
# scan's (by CPU time with 1 thread: on a loaded machine wall times say more
# about the neighbours), and its speed-up from 1 to 2 threads (wall time:
# it needs two idle cores). With $BASELINE (another whittle binary, and
# $BASELINE_DATADIR for its lua/ tree when it is not beside it) the
# baseline's pipeline runs in the same run, and its output is compared.
# usage: bench/lua-run.sh [FILE]   (default bench/out/traces-v3-1000mb.jsonl,
# made by `bench/stats.py --size-mb 1000`); $WHITTLE picks the binary.
here=$(cd "$(dirname "$0")" && pwd)
file=${1:-$here/out/traces-v3-1000mb.jsonl}
whittle=${WHITTLE:-whittle}
pipeline=${PIPELINE:-$here/../lua/whittle/pipelines/dlcot.lua}
[ -f "$file" ] || { echo "no $file: run bench/stats.py --size-mb 1000" >&2; exit 1; }
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

# row NAME CMD...: print the best time of CMD, its throughput by wall and
# by CPU time and the load average before it; keep the times in $t_NAME
# (wall) and $c_NAME (CPU).
row() {
	name=$1; shift
	load=$(cut -d' ' -f1 /proc/loadavg)
	set -- $(best "$@")
	v=$(echo "$name" | tr - _)
	eval "t_$v=$1 c_$v=$2"
	echo "$name $1 $2 $records $bytes $load" | awk '{
	    printf "%-20s %7.2f s %8.0f rec/s %7.1f MB/s | CPU %7.2f s %8.0f rec/s %7.1f MB/s | load %s\n",
	    $1, $2, $4/$2, $5/$2/1e6, $3, $4/$3, $5/$3/1e6, $6}'
}

tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
echo "file: $file ($bytes bytes, $records records); $(nproc) cores; $(uptime)"
row stats-j1 "$whittle" stats -j 1 "$file"
row stats-j2 "$whittle" stats -j 2 "$file"
row stats-segments-j1 "$whittle" stats --segments -j 1 "$file"
row run-dlcot-j1 "$whittle" run -j 1 "$pipeline" "$file" -o /dev/null
row run-dlcot-j2 "$whittle" run -j 2 "$pipeline" "$file" -o /dev/null
if [ -n "$BASELINE" ]; then
	export WHITTLE_DATADIR=${BASELINE_DATADIR:-$(dirname "$BASELINE")}
	row baseline-j1 "$BASELINE" run -j 1 "$WHITTLE_DATADIR/lua/whittle/pipelines/dlcot.lua" "$file" -o /dev/null
	base=$("$BASELINE" run -j 2 "$WHITTLE_DATADIR/lua/whittle/pipelines/dlcot.lua" "$file" -o - | md5sum)
	unset WHITTLE_DATADIR
fi
a=$("$whittle" run -j 1 "$pipeline" "$file" -o - | md5sum)
b=$("$whittle" run -j 2 "$pipeline" "$file" -o - | md5sum)
[ "$a" = "$b" ] && echo "1 and 2 threads: the same bytes" || echo "1 and 2 threads DIFFER"
if [ -n "$BASELINE" ]; then
	[ "$a" = "$base" ] && echo "baseline: the same bytes" || echo "baseline: output DIFFERS"
	echo "$c_baseline_j1 $c_run_dlcot_j1" |
	    awk '{ printf "run over baseline: %.2fx by CPU time with 1 thread\n", $1/$2 }'
fi
echo "$t_stats_j1 $t_stats_j2 $t_run_dlcot_j1 $t_run_dlcot_j2 $c_stats_j1 $c_run_dlcot_j1 $c_stats_segments_j1" | awk '{
	printf "run over stats: %.1f%% by CPU time with 1 thread (goal 25%%); by wall time %.1f%% with 1 thread, %.1f%% with 2\n", 100*$5/$6, 100*$1/$3, 100*$2/$4
	printf "run from 1 to 2 threads: %.2fx by wall time (goal 1.8x)\n", $3/$4
	printf "stats --segments over stats: %.1f%% by CPU time with 1 thread (the bound of any pipeline that segments)\n", 100*$5/$7 }'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"

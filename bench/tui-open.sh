#!/bin/sh
# Opening the 1 GB synthetic file of bench/stats.py: whittle against
# VisiData, in the same run, both in tmux at 120x40 and timed the same way
# from outside (the screen polled every 10 ms from the moment the session
# starts). First screen: for whittle the first record's question on
# screen; for VisiData its first screen of any kind (menu and status line;
# VisiData 2.11 shows no row of a 1 GB file until it has read all of it:
# its status line, "opening FILE", is its first screen).
# All rows: VisiData's row count reaching the file's line count, and
# whittle's status line showing every record with its scan finished (every
# column filled in). whittle runs twice: with an empty row cache (a file
# never opened before) and with the cache its first run left. Also each
# tool's peak memory outside the file mapping (RssAnon) until all rows are
# in. A shell that prints the first pattern at once measures what tmux and
# the polling add to every time (the floor); ratios are given as measured
# and net of it. First screens are the best of FIRST_RUNS runs (default
# 5) that stop there; all rows and memory come from one full run each.
# Prints the times, the memory and the ratios VisiData / whittle.
#
# VisiData's all-rows time in its screen is bimodal (here on 2026-11-27:
# 1 GB in 5.4 s or in 190 to 260 s; 100 MB in 0.85 s or 18 to 70 s).
# Profiled (cProfile over all its threads): when its first screen comes
# while it holds between 1 and 1000 rows, VisiData 2.11 sizes each
# column over the whole row list (calcColLayout), a list its loader is
# still growing, and measures each 15 KB cell's display width one Python
# call per character (about 10 ms a cell); the loader waits on Python's
# lock meanwhile. A first screen before any row, or after 1000, sizes
# columns from the visible rows alone and it is fast. VD_RUNS=N
# (default 1) runs it N times, prints each time and
# compares the fastest. Also timed: VisiData's load alone, through its
# Python API with no screen (the time it takes when nothing is drawn),
# and whittle with one scan thread (its cost per core: the scan divides
# among the cores, VisiData's load does not).
#
# usage: bench/tui-open.sh [WHITTLE] (default ./whittle; run from a build
# folder). FILE=PATH uses that file instead of writing bench/out/
# traces-v3-1000mb.jsonl. MAX_S (default 900) gives up on a tool after that
# many seconds. FIRST_ONLY=1 times the first screens alone (cold), each run
# given up after FIRST_MAX_S seconds (default 60): VisiData's all-rows run
# can take minutes, and some of its runs draw nothing for as long. Needs
# tmux, python3 and vd (Debian's visidata).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
whittle=$(cd "$(dirname "${1:-./whittle}")" && pwd)/$(basename "${1:-./whittle}")
file=${FILE:-$here/out/traces-v3-1000mb.jsonl}
if [ ! -f "$file" ]; then
	mkdir -p "$(dirname "$file")"
	python3 -c "import sys; sys.path.insert(0, '$here'); import stats; stats.make_file('$file', 1000)"
fi
command -v vd >/dev/null || { echo "vd (Debian package visidata) is not installed"; exit 1; }
export LANG=C.UTF-8 TERM=xterm-256color INPUTRC=/dev/null
state=$(mktemp -d)
# A tmux server per run: a killed server can take a moment to go, and a
# new session sent to it would go with it.
TM() { tmux -S "$state/tmux.$name.sock" -f /dev/null "$@"; }
now() { date +%s.%N; }
name=none
trap 'for s in "$state"/tmux.*.sock; do tmux -S "$s" kill-server 2>/dev/null; done; rm -rf "$state"; true' EXIT
trap 'exit 1' INT TERM
lines=$(wc -l <"$file")
max_s=${MAX_S:-900}
cat "$file" >/dev/null		# the page cache warm for every run

# run NAME COMMAND FIRST_PATTERN ALL_PATTERN: start COMMAND (which execs
# the tool) in tmux, print "FIRST ALL PEAK" (seconds, seconds, kB RssAnon)
# once the screen matches FIRST_PATTERN and then ALL_PATTERN.
run() {
	name=$1
	t0=$(now)
	TM new-session -d -s "$1" -x 120 -y 40 "$2"
	pid=$(TM list-panes -t "$1" -F '#{pane_pid}')
	first="" peak=0
	while :; do
		r=$(awk '/RssAnon/ {print $2}' /proc/"$pid"/status 2>/dev/null || echo 0)
		[ "${r:-0}" -gt "$peak" ] && peak=$r
		if ! s=$(TM capture-pane -p -t "$1" 2>/dev/null); then
			echo "$1: the program went away" >&2
			echo "- - $peak"
			return
		fi
		t=$(now)
		if [ -z "$first" ] && echo "$s" | grep -Eq "$3"; then
			first=$(echo "$t - $t0" | bc)
		fi
		if [ -n "$first" ] && echo "$s" | grep -Eq "$4"; then
			echo "$first $(echo "$t - $t0" | bc) $peak"
			break
		fi
		if [ "$(echo "$t - $t0 > $max_s" | bc)" = 1 ]; then
			echo "$1: not done after $max_s s" >&2
			echo "${first:--} - $peak"
			break
		fi
		sleep 0.01
	done
	TM kill-server 2>/dev/null || true
}

# whittle's status line: "1/N" with no progress bar (neither indexing nor scan).
wh_all="1/$lines +0 unsaved +0 marked *\$"
wh="exec env XDG_STATE_HOME='$state/st' XDG_CACHE_HOME='$state/cache' '$whittle' '$file'"
# best_first NAME COMMAND PATTERN [FOLDER]: the best time to the first
# screen over $FIRST_RUNS runs (default 5) that stop there, FOLDER removed
# before each (whittle's row cache: every run a cold one). A first screen
# takes tens of milliseconds, and one run's tmux and polling wander by as
# much.
best_first() {
	bf_best=-
	for _ in $(seq "${FIRST_RUNS:-5}"); do
		[ -z "${4:-}" ] || rm -rf "$4"
		t=$(max_s=${FIRST_MAX_S:-60} run "$1" "$2" "$3" "$3" | cut -d' ' -f1)
		case "$t" in ""|-) continue ;; esac
		if [ "$bf_best" = - ] || [ "$(echo "$t < $bf_best" | bc)" = 1 ]; then
			bf_best=$t
		fi
	done
	echo "$bf_best"
}
floor=$(best_first floor "exec sh -c 'echo Problem 0: done; exec sleep 600'" "Problem 0:")
wc_first=$(best_first cold "$wh" "Problem 0:" "$state/cache")
rm -rf "$state/cache"
wc_all=- wc_mem=0 ww_first=- ww_all=- ww_mem=0 vd_all=- vd_mem=0 w1_all=- vd_load=-
if [ -z "${FIRST_ONLY:-}" ]; then
	set -- $(run cold "$wh" "Problem 0:" "$wh_all"); wc_all=$2 wc_mem=$3
	ww_first=$(best_first warm "$wh" "Problem 0:")
	set -- $(run warm "$wh" "Problem 0:" "$wh_all"); ww_all=$2 ww_mem=$3
fi
vd_first=$(best_first vd "exec vd '$file'" "VisiData|File +Edit")
if [ -z "${FIRST_ONLY:-}" ]; then
	for _ in $(seq "${VD_RUNS:-1}"); do
		set -- $(run vd "exec vd '$file'" "VisiData|File +Edit" " $lines rows")
		vd_runs="${vd_runs:-}${vd_runs:+ }$2"
		# the fastest run is the one compared (a "-" one counts as none)
		if [ "$2" != - ] && { [ "$vd_all" = - ] || [ "$(echo "$2 < $vd_all" | bc)" = 1 ]; }; then
			vd_all=$2 vd_mem=$3
		fi
	done
	echo "VisiData all rows, each run: $vd_runs s"
	set -- $(run cold1 "exec env XDG_STATE_HOME='$state/st' XDG_CACHE_HOME='$state/cache1' '$whittle' -j 1 '$file'" "Problem 0:" "$wh_all")
	w1_all=$2
	# vd's own interpreter: the one that has the visidata module
	vdpy=$(head -1 "$(command -v vd)" | sed 's/^#! *//')
	vd_load=$($vdpy -c '
import sys, time
t = time.time()
from visidata import vd
s = vd.openSource(sys.argv[1]); s.reload(); vd.sync()
print("%.2f" % (time.time() - t) if len(s.rows) == int(sys.argv[2]) else "-")
' "$file" "$lines" 2>/dev/null || echo -)
fi

ratio() { case "$1,$2" in *-*|,*|*,) echo "?" ;; *) echo "scale=1; $1 / $2" | bc ;; esac; }
echo "file $(basename "$file"): $lines records, $(nproc) cores"
printf '%-28s %10s %10s %14s\n' "" "first (s)" "all (s)" "RssAnon (MB)"
printf '%-28s %10s\n' "tmux and polling (floor)" "$floor"
printf '%-28s %10s %10s %14s\n' "VisiData $(vd --version 2>/dev/null | head -1 | awk '{print $NF}')" "$vd_first" "$vd_all" $((vd_mem / 1024))
[ -n "${FIRST_ONLY:-}" ] || printf '%-28s %10s %10s\n' "VisiData, load alone" "" "$vd_load"
printf '%-28s %10s %10s %14s\n' "whittle, cold row cache" "$wc_first" "$wc_all" $((wc_mem / 1024))
[ -n "${FIRST_ONLY:-}" ] || printf '%-28s %10s %10s\n' "whittle, cold, 1 thread" "" "$w1_all"
printf '%-28s %10s %10s %14s\n' "whittle, warm row cache" "$ww_first" "$ww_all" $((ww_mem / 1024))
net() { case "$1" in -) echo - ;; *) echo "$1 - $floor" | bc ;; esac; }
echo "first screen: VisiData/whittle $(ratio "$vd_first" "$wc_first")x (cold), $(ratio "$vd_first" "$ww_first")x (warm)"
echo "  net of the floor: $(ratio "$(net "$vd_first")" "$(net "$wc_first")")x (cold), $(ratio "$(net "$vd_first")" "$(net "$ww_first")")x (warm)"
[ -n "${FIRST_ONLY:-}" ] || {
	echo "all rows:     VisiData/whittle $(ratio "$vd_all" "$wc_all")x (cold), $(ratio "$vd_all" "$ww_all")x (warm)"
	echo "  VisiData's load alone/whittle cold: $(ratio "$vd_load" "$wc_all")x; whittle 1 thread/$(nproc) threads: $(ratio "$w1_all" "$wc_all")x"
}
[ "$wc_mem" -gt 0 ] && echo "memory:       VisiData/whittle $(ratio "$vd_mem" "$wc_mem")x (cold)"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"

#!/bin/sh
# Benchmark the workbench on the 1 GB synthetic file of bench/stats.py,
# against VisiData opening the same file in the same run, both in tmux at
# 120x40: time to the first full screen, time until every row's columns are
# in, and whittle's key-to-screen latency (--replay) and memory outside the
# file mapping (RssAnon) while it browses.
#
# usage: bench/tui-bench.sh [WHITTLE] (default ./whittle; run from a build
# folder). SIZE_MB (default 1000) sets the file's size; SKIP_VD=1 skips
# VisiData. Needs tmux and python3 (and vd for the comparison).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
whittle=$(cd "$(dirname "${1:-./whittle}")" && pwd)/$(basename "${1:-./whittle}")
size_mb=${SIZE_MB:-1000}
out=$here/out
file=$out/traces-${size_mb}mb.jsonl
mkdir -p "$out"
[ -f "$file" ] || python3 -c "import sys; sys.path.insert(0, '$here'); import stats; stats.make_file('$file', $size_mb)"
export LANG=C.UTF-8 TERM=xterm-256color INPUTRC=/dev/null
sock=$out/tui-bench.sock
TM() { tmux -S "$sock" -f /dev/null "$@"; }
now() { date +%s.%N; }
since() { echo "$(now) - $1" | bc; }
state=$(mktemp -d)
trap 'TM kill-server 2>/dev/null; rm -rf "$state"; true' EXIT
trap 'exit 1' INT TERM

# Warm the page cache the same way for both tools.
cat "$file" >/dev/null

# --- whittle: first screen, all rows, and per-key latency while the scan
# runs: 200 moves down the list, opening traces, paging, jumping. The
# report comes from whittle itself (times measured in-process).
keys=""
i=0
while [ $i -lt 40 ]; do keys="${keys}jjjj<Enter>jj]s<PgDn>q"; i=$((i + 1)); done
TM new-session -d -s w -x 120 -y 40 \
    "XDG_STATE_HOME=$state '$whittle' '$file' --replay '$keys' 2>'$out/tui-replay.txt'"
# the pane's process is whittle, or the shell that started it
pane=$(TM list-panes -t w -F '#{pane_pid}')
pid=$pane
[ "$(cat /proc/"$pane"/comm)" = whittle ] || pid=$(pgrep -P "$pane" -x whittle || echo "$pane")
peak=0
while kill -0 "$pid" 2>/dev/null; do
	r=$(awk '/RssAnon/ {print $2}' /proc/"$pid"/status 2>/dev/null || echo 0)
	[ "${r:-0}" -gt "$peak" ] && peak=$r
	sleep 0.1
done
TM kill-server 2>/dev/null || true
echo "== whittle $(basename "$file") ($(nproc) cores)"
cat "$out/tui-replay.txt"
echo "peak RssAnon $((peak / 1024)) MB"

# --- VisiData: first screen = the first record's id shown; all rows = the
# row count in its status line reaching the file's line count.
[ "${SKIP_VD:-0}" = 1 ] && exit 0
command -v vd >/dev/null || { echo "vd not installed: no comparison"; exit 0; }
lines=$(wc -l <"$file")
t0=$(now)
TM new-session -d -s v -x 120 -y 40 "vd '$file'"
first=""
while :; do
	s=$(TM capture-pane -p -t v 2>/dev/null || true)
	if [ -z "$first" ] && echo "$s" | grep -q "Problem 0:"; then first=$(since "$t0"); fi
	if echo "$s" | grep -q " $lines rows"; then all=$(since "$t0"); break; fi
	sleep 0.05
done
TM kill-server 2>/dev/null || true
echo "== VisiData $(vd --version 2>/dev/null | head -1)"
echo "first screen ${first} s"
echo "all rows ${all} s"

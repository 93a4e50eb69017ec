#!/bin/sh
# Benchmark browsing with the workbench while its background scan runs:
# key-to-screen latency (whittle --replay: 440 keys moving down the list,
# opening traces, jumping and paging, fed once the first screen is up, with
# an empty row cache so that the scan runs all along) and memory outside
# the file mapping (peak RssAnon) while it browses; against VisiData's peak
# RssAnon on the same file, in the same run, up to all its rows loaded.
# (Opening times: bench/tui-open.sh.)
#
# usage: bench/tui-bench.sh [WHITTLE] (default ./whittle; run from a build
# folder). FILE=PATH uses that file; otherwise bench/stats.py writes
# bench/out/traces-v3-${SIZE_MB}mb.jsonl (SIZE_MB default 1500: about 100K
# records). SKIP_VD=1 skips VisiData. Needs tmux and python3 (vd for the
# comparison).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
whittle=$(cd "$(dirname "${1:-./whittle}")" && pwd)/$(basename "${1:-./whittle}")
size_mb=${SIZE_MB:-1500}
file=${FILE:-$here/out/traces-v3-${size_mb}mb.jsonl}
if [ ! -f "$file" ]; then
	mkdir -p "$(dirname "$file")"
	python3 -c "import sys; sys.path.insert(0, '$here'); import stats; stats.make_file('$file', $size_mb)"
fi
export LANG=C.UTF-8 TERM=xterm-256color INPUTRC=/dev/null
state=$(mktemp -d)
# A tmux server per session: a killed server can take a moment to go, and
# a new session sent to it would go with it.
# TM SESSION ARGS...: tmux on the server of SESSION.
TM() { sn=$1; shift; tmux -S "$state/tmux.$sn.sock" -f /dev/null "$@"; }
trap 'for s in "$state"/tmux.*.sock; do tmux -S "$s" kill-server 2>/dev/null; done; rm -rf "$state"; true' EXIT
trap 'exit 1' INT TERM
cat "$file" >/dev/null		# the page cache warm for both tools

# peak_rss NAME [PATTERN]: the peak RssAnon (kB) of the process in tmux
# session NAME (or the one its shell started) until it exits, or until the
# screen matches PATTERN.
peak_rss() {
	pane=$(TM "$1" list-panes -t "$1" -F '#{pane_pid}')
	pid=$(pgrep -P "$pane" | head -1 || true)
	[ -n "$pid" ] || pid=$pane
	peak=0
	while kill -0 "$pid" 2>/dev/null; do
		r=$(awk '/RssAnon/ {print $2}' /proc/"$pid"/status 2>/dev/null || echo 0)
		[ "${r:-0}" -gt "$peak" ] && peak=$r
		if [ -n "${2:-}" ] && TM "$1" capture-pane -p -t "$1" 2>/dev/null | grep -q "$2"; then
			break
		fi
		sleep 0.1
	done
	echo "$peak"
}

keys=""
i=0
while [ $i -lt 40 ]; do keys="${keys}jjjj<Enter>jj]s<PgDn>q"; i=$((i + 1)); done
TM w new-session -d -s w -x 120 -y 40 "exec env XDG_STATE_HOME='$state/st' \
    XDG_CACHE_HOME='$state/cache' '$whittle' '$file' --replay '$keys' 2>'$state/replay'"
wh_peak=$(peak_rss w)
echo "== whittle $(basename "$file"), $(nproc) cores, load $(cut -d' ' -f1 /proc/loadavg)"
cat "$state/replay"
echo "peak RssAnon $((wh_peak / 1024)) MB"

[ "${SKIP_VD:-0}" = 1 ] && exit 0
command -v vd >/dev/null || { echo "vd not installed: no comparison"; exit 0; }
lines=$(wc -l <"$file")
TM v new-session -d -s v -x 120 -y 40 "exec vd '$file'"
vd_peak=$(peak_rss v " $lines rows")
echo "== VisiData, up to all $lines rows loaded"
echo "peak RssAnon $((vd_peak / 1024)) MB"
echo "memory: VisiData/whittle $(echo "scale=1; $vd_peak / $wh_peak" | bc)x"

# Live streaming: 8 clients subscribed while a job writes 1,000 metrics a
# second for 30 s (WHITTLE_STREAM_SECONDS to change) all see every point once
# and in order; and a client that hangs up mid-stream and resumes from its
# last seq, again and again, misses nothing and gets nothing twice.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/engine/lib.sh"

secs=${WHITTLE_STREAM_SECONDS:-30}
n=$((secs * 1000))
"$WHITTLE" engine start >/dev/null || fail "engine start"
pid=$(engine_pid)
id=$("$WHITTLE" engine submit -- "$HELPER" write $n 1000)
start=$(date +%s)
for i in 1 2 3 4 5 6 7 8; do
	"$WHITTLE" watch --plain "$id" >"$T/client$i" 2>&1 &
done
"$HELPER" resume "$id" 997 >"$T/resume" || fail "resume: see above"
wait
took=$(($(date +%s) - start))
for i in 1 2 3 4 5 6 7 8; do
	awk -v n=$n '$1 != NR || $2 != "m" || $3 != 7 * NR { bad++ } END { exit bad > 0 || NR != n }' \
		"$T/client$i" || fail "client $i: $(wc -l <"$T/client$i") lines of $n, or out of order"
done
read last hangups <"$T/resume"
expect_eq "$last" "$n" "resume: the last seq"
[ "$hangups" -ge $((n / 997)) ] || fail "resume: only $hangups connections"
cpu=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f", ($14 + $15) / hz }' "/proc/$pid/stat")
echo "stream: $n points in ${took}s to 8 watchers + 1 resuming client; engine CPU ${cpu}s"
stop_engine
done_test

# The workbench on a file larger than what it indexes before the first
# screen: the list grows to every record once the background indexer is
# done, records past the first part open, and the rows of a finished scan
# are cached, reused on the next open, and recomputed for edited records;
# --replay reports the time of each key while the scan runs.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/tui-lib.sh"

# 3000 records of about 2 KB: 6 MB, past the 4 MB indexed at first.
F="$T/large.jsonl"
awk 'BEGIN {
	pad = "";
	for (k = 0; k < 40; k++) pad = pad "We add the next term and keep the sum. ";
	for (i = 0; i < 3000; i++)
		printf "{\"id\": \"r%d\", \"messages\": [{\"role\": \"user\", \"content\": \"Problem %d: add the terms.\"}, {\"role\": \"assistant\", \"content\": \"<think>\\nFirst, I need to understand the sum. %s\\n\\nSo the answer is %d.\\n</think>\\n\\\\boxed{%d}\"}], \"answer\": \"%d\"}\n", i, i, pad, i, i, i
}' > "$F"
[ "$(wc -c < "$F")" -gt 5000000 ] || fail "the test file is smaller than the first index"

done_re="1/3000  *0 unsaved  *0 marked *\$"
# (an option may come before the file: one scan thread)
tui_start 120 30 -j 1 "$F"
tui_wait "Problem 0:"
tui_wait_re "$done_re" 60
tui_wait "3000 records; ? for help"
tui_keys : goto Space 2999 Enter
tui_wait "2999/3000"
tui_keys Enter
tui_wait "Problem 2998: add the terms"
tui_keys q
# The segment count of record 2999, as the list shows it.
segs() { tui_screen | awk '$1 == 2999 { print $(NF - 5); exit }'; }
tui_wait_re "^ *2999 "
before=$(segs)
[ -n "$before" ] && [ "$before" -gt 1 ] || fail "record 2999 has segments ($before)"
tui_keys : 'q!' Enter
tui_wait "EXITED 0"
tui_stop

# The finished scan is cached; a planted value shows it is read back.
cache=$(ls "$XDG_CACHE_HOME"/whittle/rows/* 2>/dev/null | head -1)
[ -s "$cache" ] || fail "no row cache after a finished scan"
# row 0's thinking length: magic line (15 bytes), count (8), 8 bytes in
printf '\222\020\000\000' | dd of="$cache" bs=1 seek=31 conv=notrunc 2>/dev/null
tui_start 120 30 "$F"
tui_wait_re "$done_re" 60
tui_wait_re "^ *1 .* 4242 "

# An edited record's row is computed again, not taken from the cache.
tui_keys : goto Space 2999 Enter
tui_wait "2999/3000"
tui_keys Enter
tui_wait "Thinking"
tui_keys d d
tui_wait "1 unsaved"
tui_keys : 'q!' Enter
tui_wait "EXITED 0"
tui_stop
tui_start 120 30 "$F"
tui_wait "restored the unsaved edits of 1 record(s)"
tui_wait_re "1/3000  *1 unsaved  *0 marked *\$" 60
tui_keys : goto Space 2999 Enter
tui_wait_re "^ *2999 "
[ "$(segs)" = $((before - 1)) ] || fail "edited record: $(segs) segments, not $((before - 1))"
tui_keys : 'q!' Enter
tui_wait "EXITED 0"
tui_stop

# A trace of 70,000 segments counts them all (past 65,535).
awk 'BEGIN { printf "{\"question\": \"Many steps?\", \"thinking\": \"";
	for (i = 0; i < 70000; i++) printf "Step %d adds one.\\n\\n", i;
	printf "\", \"answer\": \"1\", \"gold\": \"1\"}\n" }' >"$T/steps.jsonl"
tui_start 120 30 "$T/steps.jsonl"
tui_wait_re "1/1  *0 unsaved  *0 marked *\$" 60
tui_wait_re "^ *1 .* 70000  Many steps?"
tui_keys : q Enter
tui_wait "EXITED 0"
tui_stop

# --replay: keys fed at once, then the report on standard error.
rm -rf "$XDG_CACHE_HOME/whittle/rows"
: > "$T/stderr"
tui_start 120 30 "$F" --replay "jj<Enter>]s<PgDn>q"
tui_wait "EXITED 0" 60
grep -q "^records 3000\$" "$T/stderr" || fail "replay: the record count"
grep -q "^slowest by key: j [0-9.]* <Enter> [0-9.]* ] [0-9.]* s [0-9.]* <PgDn> [0-9.]* q [0-9.]*\$" \
    "$T/stderr" || fail "replay: each key's slowest time"
grep -q "^keys 7  p50 [0-9.]* ms  p99 [0-9.]* ms" "$T/stderr" || fail "replay: percentiles"
grep -q "^UI thread processor time, keys 7 " "$T/stderr" || fail "replay: processor time"
[ -s "$(ls "$XDG_CACHE_HOME"/whittle/rows/* | head -1)" ] || fail "replay waits for the scan"

done_test

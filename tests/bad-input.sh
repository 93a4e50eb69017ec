# Bad input never stops a load: each bad record is listed with its line and
# reason, the good ones load, and a save writes everything back byte for byte.
. "$SRCDIR/tests/lib.sh"
EDITOR_BIN="$BUILDDIR/tests/crash-editor"

f="$T/bad.jsonl"
{
	printf '\357\273\277{"question":"q1","solution":"s1"}\r\n'   # BOM, CRLF
	printf '\r\n\n   \n'                                          # blank lines
	printf '{"question":"q2","solution": oops}\n'                 # 5: invalid JSON
	printf '{"question":"q\377","solution":"s"}\n'                # 6: invalid UTF-8
	printf '{"question":"q\000","solution":"s"}\n'                # 7: NUL byte
	printf '{"question":"q4"}\n'                                  # 8: missing field
	printf '{"question":"q5","solution":["a","b"]}\n'             # 9: wrong type
	printf '\001\002\003 binary \377\376\n'                       # 10: binary
	printf '7\n"text"\n[1, 2]\n'                                   # 11-13: not objects
	printf '{"question":"q6","solution":"s6"}'                    # 14: no newline
} >"$f"
s=$($WHITTLE stats --json "$f")
expect_eq "$(echo "$s" | jq .records)" 2 "good records"
expect_eq "$(echo "$s" | jq -c '[.bad[].line]')" '[5,6,7,8,9,10,11,12,13]' "bad lines"
expect_eq "$(echo "$s" | jq -r '.bad[0].reason')" "invalid JSON at column 30: unexpected character" "reason 5"
expect_eq "$(echo "$s" | jq -r '.bad[1].reason')" "invalid JSON at column 15: invalid UTF-8 in string" "reason 6"
expect_eq "$(echo "$s" | jq -r '.bad[2].reason')" "invalid JSON at column 15: NUL byte in string" "reason 7"
expect_eq "$(echo "$s" | jq -r '.bad[3].reason')" "field /solution: missing" "reason 8"
expect_eq "$(echo "$s" | jq -r '.bad[4].reason')" "field /solution: expected a string, got array" "reason 9"
expect_eq "$(echo "$s" | jq -r '.bad[6].reason')" "not a record: a JSON number, not an object" "reason 11"
expect_eq "$(echo "$s" | jq -r '.bad[8].reason')" "not a record: a JSON array, not an object" "reason 13"
$WHITTLE stats "$f" | grep -qF "$f:9: field /solution: expected a string, got array" ||
	fail "human stats names file, line and reason"
expect_eq "$($WHITTLE show --json "$f" 2 | jq -r .question)" q6 "record after the bad ones"
$WHITTLE export "$f" >"$T/out" 2>"$T/err"; expect_eq $? 0 "export goes on past bad records"
expect_eq "$(wc -l <"$T/out")" 2 "export writes the good records"
grep -qF "whittle: $f:6: invalid JSON" "$T/err" || fail "export names the bad records on stderr"
"$EDITOR_BIN" copy "$f" "$T/copy" && cmp -s "$f" "$T/copy" || fail "save keeps bad records byte for byte"

# In an array, a bad record is named with the column of the fault too.
printf '[\n  {"question":"q1","solution":"s"},\n  {"question":"q\351","solution":"s"},\n  {"question":"q3","solution":"s"}\n]\n' >"$T/arr.json"
s=$($WHITTLE stats --json "$T/arr.json")
expect_eq "$(echo "$s" | jq -c '[.container,.records]')" '["array",2]' "array with a bad record"
expect_eq "$(echo "$s" | jq -c '.bad[0]')" '{"line":3,"reason":"invalid JSON at column 17: invalid UTF-8 in string"}' \
	"array bad record reason"

# A single 200 MB line, and a record after it.
big="$T/big.jsonl"
{
	printf '{"question":"huge","solution":"'
	head -c 200000000 /dev/zero | tr '\0' 'x'
	printf '"}\n{"question":"after","solution":"s"}\n'
} >"$big"
s=$($WHITTLE stats --json "$big")
expect_eq "$(echo "$s" | jq .records)" 2 "200 MB line"
expect_eq "$(echo "$s" | jq .chars.thinking.max)" 200000000 "200 MB thinking length"
expect_eq "$($WHITTLE show --json "$big" 2 | jq -r .question)" after "record after the 200 MB line"
rm -f "$big"

# Truncated and fake gzip.
printf '{"question":"q%d","solution":"s"}\n' $(seq 1 5000) | gzip >"$T/t.jsonl.gz"
expect_eq "$($WHITTLE stats --json "$T/t.jsonl.gz" | jq .records)" 5000 "gzip records"
size=$(wc -c <"$T/t.jsonl.gz")
head -c $((size / 2)) "$T/t.jsonl.gz" >"$T/cut.jsonl.gz"
s=$($WHITTLE stats --json "$T/cut.jsonl.gz" 2>"$T/err")
expect_eq $? 0 "truncated gzip still loads"
grep -q "damaged or cut short" "$T/err" || fail "truncated gzip is reported"
n=$(echo "$s" | jq .records)
[ "$n" -gt 100 ] && [ "$n" -lt 5000 ] || fail "truncated gzip: $n records"
head -c 1000 /dev/urandom >"$T/fake.jsonl.gz"
printf 'x' | dd of="$T/fake.jsonl.gz" bs=1 count=1 conv=notrunc 2>/dev/null
$WHITTLE stats "$T/fake.jsonl.gz" 2>"$T/err"; expect_eq $? 1 "fake gzip"
grep -q "not a gzip file" "$T/err" || fail "fake gzip message"

# A first line that is broken JSON is a bad record, and the check of
# whether the file is a pandas table, which parses it, frees what it parsed
# (the sanitizer build said it did not, on one run of the random file
# below in fifty).
printf '[1, 2, 3 x\n{"question": "q", "thinking": "t", "answer": "a"}\n' >"$T/firstbad.jsonl"
$WHITTLE stats --json "$T/firstbad.jsonl" >"$T/s" 2>"$T/err"; expect_eq $? 0 "a broken first line"
expect_eq "$(jq -c '[.records, (.bad | length)]' "$T/s")" "[1,1]" "a broken first line's records"

# A binary file is read as lines of junk, none of them a record, not even
# a line that happens to be a bare JSON number. Random bytes hold an empty
# object "{}" now and then, which is a record: no '{' keeps the count at 0.
{ head -c 50000 /dev/urandom; printf '\n5\n'; head -c 50000 /dev/urandom; } |
	tr -d '{' >"$T/random.bin"
$WHITTLE stats --json "$T/random.bin" >"$T/s" 2>"$T/err"; expect_eq $? 0 "binary file"
expect_eq "$(jq .records "$T/s")" 0 "binary file records"

# An empty file.
: >"$T/empty.jsonl"
expect_eq "$($WHITTLE stats --json "$T/empty.jsonl" | jq -c '[.records, (.bad|length)]')" "[0,0]" "empty"
# A member given twice is read as its first value (whittle-formats(5)).
printf '{"question":"q","thinking":"t","answer":"6","answer":"66","gold":"6"}\n' >"$T/dup.jsonl"
expect_eq "$($WHITTLE show --json "$T/dup.jsonl" 1 | jq -r .answer)" 6 "a duplicate member: the first"

# A pandas DataFrame.to_json table (columns keyed by row number, or split)
# is refused with the way to write records, on one line or pretty-printed;
# records keyed by row number (orient='index') are read.
printf '{"problem":{"0":"P1","1":"P2"},"solution":{"0":"S1","1":"S2"}}\n' >"$T/cols.json"
jq . "$T/cols.json" >"$T/cols-pretty.json"
printf '{"columns":["problem","solution"],"index":[0],"data":[["P1","S1"]]}\n' >"$T/split.json"
for f in cols cols-pretty split; do
	$WHITTLE stats "$T/$f.json" >/dev/null 2>"$T/err"; expect_eq $? 1 "pandas $f"
	grep -qF "$T/$f.json:" "$T/err" && grep -qF "a pandas table (DataFrame.to_json" "$T/err" &&
		grep -qF "orient='records', lines=True" "$T/err" || { fail "pandas $f message"; cat "$T/err" >&2; }
done
grep -qF "orient='split'" "$T/err" || fail "pandas split is named"
jq '{"0": {problem: .problem["0"], solution: .solution["0"]}, "1": {problem: .problem["1"], solution: .solution["1"]}}' \
	"$T/cols.json" >"$T/index.json"
expect_eq "$($WHITTLE stats --json "$T/index.json" | jq -c '[.container,.records]')" '["keyed",2]' "orient='index'"
# A Parquet file (how most Hugging Face datasets ship) is refused, saying
# how to write it as JSON lines, not read as lines of junk.
{ printf 'PAR1'; head -c 2000 /dev/urandom; printf 'PAR1'; } >"$T/train-00000.parquet"
$WHITTLE stats "$T/train-00000.parquet" >/dev/null 2>"$T/err"; expect_eq $? 1 "a Parquet file"
expect_eq "$(cat "$T/err")" "whittle: $T/train-00000.parquet: a Parquet file, not JSON: write it as JSON lines first, e.g. with datasets.Dataset.from_parquet(PATH).to_json(OUT)" \
	"a Parquet file says what to do"
done_test

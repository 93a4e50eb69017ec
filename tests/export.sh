# Export formats, delimiters, generations and the seeded split.
. "$SRCDIR/tests/lib.sh"
demo="$EXAMPLES/demo-r1-messages.jsonl"

$WHITTLE export "$demo" -o "$T/m.jsonl" 2>/dev/null || fail "export messages"
expect_eq "$(wc -l <"$T/m.jsonl")" 16 "messages lines"
first=$(head -1 "$T/m.jsonl")
expect_eq "$(echo "$first" | jq -r '.messages | map(.role) | join(",")')" "user,assistant" "roles"
expect_eq "$(echo "$first" | jq -r .messages[0].content)" "$($WHITTLE show --json "$demo" 1 | jq -r .question)" "user turn"
want=$($WHITTLE show --json "$demo" 1 | jq -r '"<think>\n" + .thinking + "\n</think>\n\n" + .answer')
expect_eq "$(echo "$first" | jq -r .messages[1].content)" "$want" "assistant turn"

# A new file takes the mode the umask gives; an old one keeps its own.
(umask 022 && $WHITTLE export "$demo" -o "$T/mode.jsonl" 2>/dev/null)
expect_eq "$(stat -c %a "$T/mode.jsonl")" 644 "a new file's mode"
chmod 640 "$T/mode.jsonl"
(umask 022 && $WHITTLE export "$demo" -o "$T/mode.jsonl" 2>/dev/null)
expect_eq "$(stat -c %a "$T/mode.jsonl")" 640 "a file written over keeps its mode"

$WHITTLE export -f sharegpt --system "Be brief." "$demo" | head -1 >"$T/s"
expect_eq "$(jq -r '.conversations | map(.from) | join(",")' "$T/s")" "system,human,gpt" "sharegpt turns"
$WHITTLE export -f alpaca "$demo" | head -1 | jq -e '.instruction and .output and .input == ""' >/dev/null ||
	fail "alpaca"
$WHITTLE export -f text --think-open '<|begin_of_thought|>' --think-close '<|end_of_thought|>' "$demo" |
	head -1 | jq -r .text | grep -q '^<|end_of_thought|>$' || fail "text with other delimiters"
$WHITTLE export -f jsonl "$demo" | head -1 | jq -e '.record == 1 and (.gold | type) == "string"' >/dev/null ||
	fail "jsonl"

# An export in whittle's own layout reads back as the same traces.
$WHITTLE export -f jsonl "$demo" -o "$T/flat.jsonl" 2>/dev/null
expect_eq "$($WHITTLE stats --json "$T/flat.jsonl" | jq -r '.layout + " " + (.records|tostring)')" "whittle 16" \
	"jsonl export is read back"
expect_eq "$($WHITTLE show --json "$T/flat.jsonl" 5 | jq -c '[.question,.thinking,.answer,.gold]')" \
	"$($WHITTLE show --json "$demo" 5 | jq -c '[.question,.thinking,.answer,.gold]')" "round trip of record 5"

# A record without a trace (an AIME prompt set) is exported with a null
# thinking, and reads back as the same record.
printf '{"prompt":"What is 6*7?","answer":"42"}\n' >"$T/prompts.jsonl"
$WHITTLE export -f jsonl "$T/prompts.jsonl" -o "$T/prompts-flat.jsonl" 2>/dev/null
expect_eq "$($WHITTLE stats --json "$T/prompts-flat.jsonl" | jq -c '[.layout,.records,(.bad|length)]')" '["whittle",1,0]' \
	"a null thinking reads back"
expect_eq "$($WHITTLE show --json "$T/prompts-flat.jsonl" 1 | jq -c '[.question,.thinking,.gold]')" \
	'["What is 6*7?",null,"42"]' "round trip of a record without a trace"
printf '{"question":"q"}\n' >"$T/no-thinking.jsonl"
expect_eq "$($WHITTLE stats --json --layout whittle "$T/no-thinking.jsonl" | jq -r '.bad[0].reason')" \
	"field /thinking: missing" "a missing thinking is still a bad record"

# Truncated traces keep their thinking and have no answer.
$WHITTLE export -f jsonl "$EXAMPLES/demo-openthoughts.jsonl" | jq -s -e 'map(select(.answer == null)) | length == 1' >/dev/null ||
	fail "truncated trace has no answer"

# --split: every record once, the same split for the same seed.
$WHITTLE export --split 0.75 --seed 7 "$demo" -o "$T/sft.jsonl" 2>/dev/null || fail "split"
a=$(wc -l <"$T/sft.train.jsonl"); b=$(wc -l <"$T/sft.valid.jsonl")
expect_eq $((a + b)) 16 "split keeps every record"
[ "$a" -gt "$b" ] || fail "split: train $a, valid $b"
$WHITTLE export --split 0.75 --seed 7 "$demo" -o "$T/again.jsonl" 2>/dev/null
cmp -s "$T/sft.train.jsonl" "$T/again.train.jsonl" || fail "split is not reproducible"
$WHITTLE export --split 0.75 --seed 8 "$demo" -o "$T/other.jsonl" 2>/dev/null
cmp -s "$T/sft.train.jsonl" "$T/other.train.jsonl" && fail "another seed gives the same split"
$WHITTLE export --split 1.5 "$demo" -o x 2>/dev/null; expect_eq $? 2 "split out of range"
$WHITTLE export --split 0.5 "$demo" -o "$T/bare" 2>/dev/null
[ -f "$T/bare.train.jsonl" ] && [ -f "$T/bare.valid.jsonl" ] || fail "split of an OUT without .jsonl: $(ls "$T" | grep "^bare")"

# Generations: all of them, or one.
printf '{"problem":"P","generations":["<think>a</think>A","<think>b</think>B"],"answer":"1"}\n' >"$T/g.jsonl"
expect_eq "$($WHITTLE export -f jsonl -g all "$T/g.jsonl" | jq -r .answer | tr '\n' ,)" "A,B," "all generations"
expect_eq "$($WHITTLE export -f jsonl -g 1 "$T/g.jsonl" | jq -r .answer)" "B" "generation 1"

# A failed export leaves no partial file.
$WHITTLE export "$demo" -o "$T/no/such/dir/out.jsonl" 2>"$T/err"; expect_eq $? 1 "unwritable output"
grep -q "cannot create a temp file" "$T/err" || fail "unwritable output message"

# An OUT ending in .gz is written compressed, and reads back.
$WHITTLE export -f jsonl "$demo" -o "$T/z.jsonl.gz" 2>/dev/null || fail "export to .gz"
gzip -t "$T/z.jsonl.gz" 2>/dev/null || fail "the .gz export is no gzip file"
expect_eq "$($WHITTLE stats --json "$T/z.jsonl.gz" | jq -c '[.gzip, .records]')" "[true,16]" "the .gz export reads back"
$WHITTLE export --split 0.5 "$demo" -o "$T/zs.jsonl.gz" 2>/dev/null || fail "split to .gz"
expect_eq "$(zcat "$T/zs.train.jsonl.gz" "$T/zs.valid.jsonl.gz" | wc -l)" 16 "split .gz parts"

# Bad records: the first five named, then counted.
{ for i in 1 2 3 4 5 6 7; do echo '{"messages": 5}'; done; head -1 "$demo"; } >"$T/bad7.jsonl"
$WHITTLE export "$T/bad7.jsonl" -o "$T/b7.jsonl" 2>"$T/err"
expect_eq "$(grep -c 'missing or not an array' "$T/err")" 5 "five bad records named"
grep -qx "whittle: skipped 7 bad records (whittle stats lists them)" "$T/err" || fail "bad records counted: $(cat "$T/err")"

# What is not a regular file is written to, never replaced: a FIFO stays
# one and its reader gets every record.
mkfifo "$T/fifo"
timeout 20 sh -c 'wc -l <"$1"' sh "$T/fifo" >"$T/fifo-lines" &
$WHITTLE export "$demo" -o "$T/fifo" 2>/dev/null || fail "export to a FIFO"
wait
[ -p "$T/fifo" ] || fail "the FIFO was replaced"
expect_eq "$(cat "$T/fifo-lines")" 16 "records through the FIFO"
# A symbolic link stays one; the file it names gets the records.
echo old >"$T/target.jsonl"
ln -s "$T/target.jsonl" "$T/link.jsonl"
$WHITTLE export "$demo" -o "$T/link.jsonl" 2>/dev/null || fail "export through a link"
[ -L "$T/link.jsonl" ] || fail "the link was replaced"
expect_eq "$(wc -l <"$T/target.jsonl")" 16 "records through the link"
# A full disk is an error, not "wrote 16 records", for -o and stdout.
if [ -c /dev/full ]; then
	$WHITTLE export "$demo" >/dev/full 2>"$T/err"; expect_eq $? 1 "export to a full stdout"
	grep -q "cannot write the standard output: No space left" "$T/err" || fail "full stdout message"
	$WHITTLE stats "$demo" >/dev/full 2>/dev/null; expect_eq $? 1 "stats to a full stdout"
fi
# The output may not be the input: refused, the input left as it was.
cp "$demo" "$T/in.jsonl"
ln -s in.jsonl "$T/in-link.jsonl"
for out in "$T/in.jsonl" "$T/in-link.jsonl"; do
	$WHITTLE export "$T/in.jsonl" -o "$out" 2>"$T/err"; expect_eq $? 1 "export over its input ($out)"
	grep -q "is the input file; write the output to another file" "$T/err" ||
		fail "export over its input: $(cat "$T/err")"
	$WHITTLE step verify "$T/in.jsonl" -o "$out" 2>"$T/err"; expect_eq $? 1 "step over its input ($out)"
	grep -q "is the input file" "$T/err" || fail "step over its input: $(cat "$T/err")"
done
$WHITTLE step verify "$T/in.jsonl" -o "$T/v.jsonl" --sidecar "$T/in.jsonl" 2>/dev/null
expect_eq $? 1 "a sidecar over the input"
cmp -s "$demo" "$T/in.jsonl" || fail "the input was written over"
# An output in a folder not made yet names the folder.
$WHITTLE export "$demo" -o "$T/nodir/sft.jsonl" 2>"$T/err"; expect_eq $? 1 "export into a missing folder"
grep -qx "whittle: $T/nodir/sft.jsonl: cannot create a temp file beside it: the folder $T/nodir does not exist" "$T/err" ||
	fail "export into a missing folder: $(cat "$T/err")"
# A record's own system prompt (OpenThoughts' member system, a chat's system
# turn) is kept with --keep-system, and its loss said without it.
printf '%s\n' '{"system":"Think first.","conversations":[{"from":"user","value":"Q1"},{"from":"assistant","value":"<think>t</think>A"}]}' \
	'{"conversations":[{"from":"user","value":"Q2"},{"from":"assistant","value":"<think>u</think>B"}]}' >"$T/sys.jsonl"
$WHITTLE export "$T/sys.jsonl" 2>"$T/err" >"$T/out"
expect_eq "$(jq -r '.messages[0].role' "$T/out" | sort -u)" user "no system turn by default"
grep -qF "whittle: the records carry a system prompt (member system), which is not exported: --keep-system" "$T/err" ||
	fail "export says the system prompt is dropped: $(cat "$T/err")"
$WHITTLE export --keep-system --system Default "$T/sys.jsonl" 2>"$T/err" >"$T/out"
expect_eq "$(jq -r '.messages[0].content' "$T/out" | tr '\n' '|')" "Think first.|Default|" "--keep-system, else --system"
[ -s "$T/err" ] && fail "--keep-system: nothing to say: $(cat "$T/err")"
printf '%s\n' '{"messages":[{"role":"system","content":"Sys"},{"role":"user","content":"Q"},{"role":"assistant","content":"A"}]}' >"$T/msys.jsonl"
expect_eq "$($WHITTLE export -f sharegpt --keep-system "$T/msys.jsonl" | jq -c '.conversations[0]')" \
	'{"from":"system","value":"Sys"}' "--keep-system from a system turn"
$WHITTLE export "$T/msys.jsonl" 2>&1 >/dev/null | grep -qF "(system turn)" || fail "a system turn dropped is said"
done_test

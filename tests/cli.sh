# The command line: help, version, usage errors, exit codes, error format,
# stats/show on the bundled demo.
. "$SRCDIR/tests/lib.sh"

$WHITTLE --help | grep -q "^  stats " || fail "--help lists stats"
$WHITTLE --help | grep -q "^  export " || fail "--help lists export"
$WHITTLE --version | head -1 | grep -Eq '^whittle [0-9]+\.[0-9]+\.[0-9]+$' || fail "--version"
for cmd in stats show export; do
	$WHITTLE $cmd --help | grep -q "^usage: whittle $cmd" || fail "$cmd --help"
done

# Exit codes: 2 for usage, 1 for runtime errors.
$WHITTLE >/dev/null 2>&1; expect_eq $? 2 "no arguments"
$WHITTLE --bogus >/dev/null 2>&1; expect_eq $? 2 "unknown option"
$WHITTLE stats >/dev/null 2>&1; expect_eq $? 2 "stats without FILE"
$WHITTLE show "$EXAMPLES/demo-r1-messages.jsonl" zero >/dev/null 2>&1; expect_eq $? 2 "show with a bad N"
$WHITTLE export --format yaml x >/dev/null 2>&1; expect_eq $? 2 "export --format yaml"
$WHITTLE stats --threads 0 x >/dev/null 2>&1; expect_eq $? 2 "--threads 0"
# A mistyped command (no file of its name) or step name: the one meant.
(cd "$T" && $WHITTLE stast 2>"$T/err"); expect_eq $? 2 "a mistyped command"
expect_eq "$(cat "$T/err")" "whittle: stast: no such file, nor command (did you mean stats? whittle --help lists the commands)" "the command meant"
(cd "$T" && $WHITTLE chekc x.jsonl 2>"$T/err"); expect_eq $? 2 "a mistyped command with arguments"
grep -q "did you mean check?" "$T/err" || fail "check meant: $(cat "$T/err")"
mkdir "$T/stast"	# a folder: opened (and refused) before any screen
(cd "$T" && $WHITTLE stast </dev/null 2>"$T/err"); expect_eq $? 1 "a file of that name opens"
grep -q "did you mean" "$T/err" && fail "a file of that name is no typo"
(cd "$T" && $WHITTLE nothinglike 2>"$T/err"); expect_eq $? 1 "a name like no command"
grep -q "^whittle: nothinglike: cannot open" "$T/err" || fail "no suggestion: $(cat "$T/err")"
$WHITTLE steps verfy 2>"$T/err"; expect_eq $? 1 "steps with a typo"
expect_eq "$(cat "$T/err")" "whittle: no step named 'verfy' (did you mean verify? whittle steps lists them)" "the step meant"

# A bad option is named once, as what it is.
$WHITTLE step verify x -o 2>"$T/err"; expect_eq $? 2 "-o without a value"
expect_eq "$(head -1 "$T/err")" "whittle: option -o needs a value" "a missing value"
$WHITTLE stats --bogus x 2>"$T/err"
expect_eq "$(head -1 "$T/err")" "whittle: unknown option --bogus" "an unknown long option"
$WHITTLE stats -Q x 2>"$T/err"
expect_eq "$(head -1 "$T/err")" "whittle: unknown option -Q" "an unknown short option"
# The workbench's options, before its file or after, are named the same way.
$WHITTLE --bogus x 2>"$T/err"; expect_eq $? 2 "the workbench with an unknown option"
expect_eq "$(head -1 "$T/err")" "whittle: unknown option --bogus" "the workbench's unknown option"
$WHITTLE x -j 2>"$T/err"
expect_eq "$(head -1 "$T/err")" "whittle: option -j needs a value" "the workbench's option without a value"
$WHITTLE watch --plain=1 x 2>"$T/err"
expect_eq "$(head -1 "$T/err")" "whittle: option --plain takes no value" "a value where none goes"
$WHITTLE train x --out 2>"$T/err"
expect_eq "$(cat "$T/err")" "whittle: option --out needs a value
Try 'whittle train --help'." "one message and the usage line"
$WHITTLE stats "$T/missing.jsonl" 2>"$T/err"; expect_eq $? 1 "missing file"
grep -q "^whittle: $T/missing.jsonl: cannot open: No such file or directory$" "$T/err" ||
	fail "error format: $(cat "$T/err")"
$WHITTLE show "$EXAMPLES/demo-r1-messages.jsonl" 999 2>"$T/err"; expect_eq $? 1 "record past the end"
grep -q "no record 999" "$T/err" || fail "record past the end message"
$WHITTLE stats --map question=problem "$EXAMPLES/demo-r1-messages.jsonl" 2>"$T/err"
expect_eq $? 1 "bad --map"
grep -q "starts with '/'" "$T/err" || fail "bad --map message"
# A question pointer with a typo leaves the records good but without a
# question: the count of records with each field shows it.
printf '{"problem":"What is 2+2?","trace":"2+2=4"}\n{"problem":"1+1?","trace":"2"}\n' >"$T/m.jsonl"
$WHITTLE stats --map question=/problme,thinking=/trace "$T/m.jsonl" |
	grep -qx "with         0 question, 2 thinking, 0 answer, 0 gold" ||
	fail "records without a question: $($WHITTLE stats --map question=/problme,thinking=/trace "$T/m.jsonl")"
expect_eq "$($WHITTLE stats --json --map question=/problem,thinking=/trace "$T/m.jsonl" | jq .with_question)" 2 \
	"with_question"

# The bundled demo: both layouts are recognised.
s=$($WHITTLE stats --json "$EXAMPLES/demo-openthoughts.jsonl")
expect_eq "$(echo "$s" | jq -r .layout)" openthoughts "demo layout"
expect_eq "$(echo "$s" | jq -r .records)" 20 "demo records"
expect_eq "$(echo "$s" | jq -r '.bad | length')" 0 "demo bad"
expect_eq "$(echo "$s" | jq -r .truncated)" 1 "demo truncated traces"
s=$($WHITTLE stats --json "$EXAMPLES/demo-r1-messages.jsonl")
expect_eq "$(echo "$s" | jq -r .layout)" messages "r1 layout"
expect_eq "$(echo "$s" | jq -r .records)" 16 "r1 records"
expect_eq "$(echo "$s" | jq -r .with_gold)" 16 "r1 gold"
$WHITTLE stats "$EXAMPLES/demo-r1-messages.jsonl" | grep -q '^records      16 good, 0 bad$' ||
	fail "human stats"

# show: text and JSON agree with the record.
j=$($WHITTLE show --json "$EXAMPLES/demo-r1-messages.jsonl" 3)
expect_eq "$(echo "$j" | jq -r .record)" 3 "show record"
expect_eq "$(echo "$j" | jq -r .gold)" \
	"$(sed -n 3p "$EXAMPLES/demo-r1-messages.jsonl" | jq -r .gold)" "show gold"
expect_eq "$(echo "$j" | jq -r .question)" \
	"$(sed -n 3p "$EXAMPLES/demo-r1-messages.jsonl" | jq -r '.messages[0].content')" "show question"
content=$(sed -n 3p "$EXAMPLES/demo-r1-messages.jsonl" | jq -r '.messages[1].content')
case "$content" in
*"$(echo "$j" | jq -r .thinking)"*) ;;
*) fail "show thinking is not part of the assistant turn" ;;
esac
echo "$j" | jq -r .thinking | grep -q '<think>' && fail "thinking keeps its delimiters"
$WHITTLE show "$EXAMPLES/demo-r1-messages.jsonl" 3 | grep -q '^── thinking' || fail "show text"
$WHITTLE show --raw "$EXAMPLES/demo-r1-messages.jsonl" 3 >"$T/raw"
sed -n 3p "$EXAMPLES/demo-r1-messages.jsonl" | cmp -s - "$T/raw" || fail "show --raw is the record's bytes"

# --map and generations.
printf '{"p":"Q1","gens":["<think>a</think>A","<think>b</think>B"],"g":5}\n' >"$T/m.jsonl"
$WHITTLE stats --json "$T/m.jsonl" | jq -e '.layout == null' >/dev/null || fail "unknown layout is null"
$WHITTLE stats "$T/m.jsonl" | grep -qF "members      p, gens, g (record 1; map them with --map" ||
	fail "stats names the members of an unknown layout"
$WHITTLE show "$T/m.jsonl" 1 2>"$T/err" >/dev/null
grep -q "no known layout" "$T/err" || fail "show on an unknown layout says so"
m='question=/p,thinking=/gens/*,gold=/g,split=think'
j=$($WHITTLE show --json --map "$m" -g 1 "$T/m.jsonl" 1)
expect_eq "$(echo "$j" | jq -c '[.question,.thinking,.answer,.gold,.generations]')" \
	'["Q1","b","B","5",2]' "--map with generation 1"
$WHITTLE show --map "$m" -g 2 "$T/m.jsonl" 1 2>"$T/err" >/dev/null
expect_eq $? 1 "generation past the end"
$WHITTLE stats --layouts | grep -q '^openthoughts ' || fail "--layouts"
expect_eq "$($WHITTLE stats --layouts | awk '{ n = length($1); match(substr($0, n + 1), /[^ ]/); print n + RSTART }' | sort -u)" 24 \
	"--layouts: the descriptions in one column, past the longest name"
# --tokenizer: lengths in tokens, agreeing with whittle tokenize.
tok="$SRCDIR/tests/tokenizer/tiny-qwen.json"
j=$($WHITTLE show --json --tokenizer "$tok" "$EXAMPLES/demo-r1-messages.jsonl" 2)
echo "$j" | jq -r .thinking >"$T/thinking"
printf '%s' "$(cat "$T/thinking")" >"$T/thinking.txt"
expect_eq "$(echo "$j" | jq .tokens.thinking)" \
	"$($WHITTLE tokenize --tokenizer "$tok" --count "$T/thinking.txt")" "show thinking tokens"
expect_eq "$(echo "$j" | jq '.tokens.total == .tokens.thinking + .tokens.answer')" true "show total tokens"
s=$($WHITTLE stats --json --tokenizer "$tok" "$EXAMPLES/demo-r1-messages.jsonl")
expect_eq "$(echo "$s" | jq -c '.tokens | keys')" '["answer","question","thinking","total"]' "stats tokens"
[ "$(echo "$s" | jq .tokens.thinking.max)" -gt 0 ] || fail "stats thinking tokens"
$WHITTLE stats --tokenizer "$T/none.json" "$EXAMPLES/demo-r1-messages.jsonl" 2>/dev/null
expect_eq $? 1 "missing tokenizer"
# --segments: the interface of whittle-analysis(7) through show and stats.
j=$($WHITTLE show --json --segments "$EXAMPLES/demo-r1-messages.jsonl" 2)
n=$(echo "$j" | jq '.thinking | utf8bytelength')
echo "$j" | jq -e --argjson n "$n" '(.segments | length) > 3 and
	all(.segments[]; (.role | type) == "string" and .start < .end and .end <= $n and (.flags | type) == "array") and
	(.solutions | length) > 0 and all(.solutions[]; has("index") and has("answer") and has("label") and has("redundant"))' \
	>/dev/null || fail "show --segments --json"
echo "$j" | jq -e '[.segments[] | .start] as $s | $s == ($s | sort)' >/dev/null || fail "segments in order"
$WHITTLE show --segments "$EXAMPLES/demo-r1-messages.jsonl" 2 | grep -qE '^ +1 +restate' || fail "show --segments text"
printf '{"question":"q","thinking":null,"answer":"6","gold":"6"}\n' >"$T/nothink.jsonl"
expect_eq "$($WHITTLE show --segments --json "$T/nothink.jsonl" 1 | jq -c '[.segments, .solutions]')" "[[],[]]" \
	"show --segments --json without thinking: empty lists"
s=$($WHITTLE stats --json --segments "$EXAMPLES/demo-r1-messages.jsonl")
[ "$(echo "$s" | jq .segments.min)" -gt 0 ] || fail "stats --segments"
[ "$(echo "$s" | jq .solutions.max)" -ge "$(echo "$j" | jq '.solutions | length')" ] || fail "stats solutions max"
$WHITTLE stats --json "$EXAMPLES/demo-r1-messages.jsonl" | jq -e 'has("segments") | not' >/dev/null ||
	fail "segments are opt-in"
done_test

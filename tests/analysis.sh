# whittle check drives answer extraction, equivalence and the segmenter over
# whole files: a hand-made file with known verdicts, the ten fixture traces,
# usage errors, and every real data file (skipped without ../shared/data).
. "$SRCDIR/tests/lib.sh"

FIX="$SRCDIR/tests/analysis"
MAP="question=/question,thinking=/thinking,answer=/answer,gold=/gold"

# Known verdicts: boxed \dfrac = 0.5, 7 != 8, #### 1,000 = 1000, an
# undecidable \mathcal{P}, no gold, and the last number of the thinking.
j=$($WHITTLE check --json --map "$MAP" "$FIX/check.jsonl") || fail "check --json: exit $?"
got=$(echo "$j" | jq -c '[.records, .with_gold, .correct, .incorrect, .unknown, .accuracy]')
expect_eq "$got" "[6,5,3,1,1,0.6]" "check --json totals"
got=$(echo "$j" | jq -c '[.rules.boxed, .rules["answer-is"], .rules.hash, .rules.final, .rules.number]')
expect_eq "$got" "[2,1,1,1,1]" "check --json rules"

$WHITTLE check --records --map "$MAP" "$FIX/check.jsonl" >"$T/records" || fail "check --records: exit $?"
expect_eq "$(wc -l <"$T/records" | tr -d ' ')" "6" "one line per record"
got=$(jq -r '[.n, .verdict, .rule, (.extracted // "-"), (.gold // "-")] | join(" ")' "$T/records" | tr '\n' '|')
expect_eq "$got" '1 correct boxed \dfrac{1}{2} 0.5|2 incorrect answer-is 7 8|3 correct hash 1,000 1000|4 unknown boxed \mathcal{P} 2|5 no-gold final 42 -|6 correct number 9 9|' "check --records"

t=$($WHITTLE check --map "$MAP" "$FIX/check.jsonl") || fail "check: exit $?"
case "$t" in *"accuracy     60.0% (3 correct of 5 with gold)"*) ;; *) fail "check text: $t" ;; esac

# A set of prompts with gold answers (AIME's {prompt, answer}) has no
# response to grade: neither incorrect nor in the accuracy; a record with
# a response and no answer found is incorrect.
printf '%s\n' '{"prompt": "1+1?", "answer": "2"}' '{"prompt": "2+2?", "answer": "4"}' >"$T/prompts.jsonl"
t=$($WHITTLE check "$T/prompts.jsonl") || fail "check prompts: exit $?"
case "$t" in *"accuracy     n/a (no record with a gold answer has a response: a set of prompts)"*) ;; *) fail "prompts accuracy: $t" ;; esac
case "$t" in *"0 incorrect"*"2 without a response (not graded)"*) ;; *) fail "prompts verdicts: $t" ;; esac
expect_eq "$($WHITTLE check -r "$T/prompts.jsonl" | jq -r .verdict | sort -u)" "no-response" "prompts' verdicts"
j=$($WHITTLE check --json "$T/prompts.jsonl") || fail "check --json prompts: exit $?"
expect_eq "$(echo "$j" | jq -c '[.with_gold, .incorrect, .no_response, .accuracy]')" "[2,0,2,null]" \
    "prompts are not graded"
printf '%s\n' '{"question": "q", "thinking": "no idea", "answer": "", "gold": "3"}' >"$T/noanswer.jsonl"
j=$($WHITTLE check --json --map "$MAP" "$T/noanswer.jsonl") || fail "check --json no answer: exit $?"
expect_eq "$(echo "$j" | jq -c '[.with_gold, .incorrect, .no_response]')" "[1,1,0]" \
    "a response without an answer is incorrect"

# Several generations a record (OpenR1): every generation is judged, and
# the counts say records and traces apart.
printf '%s\n' '{"problem":"p","generations":["<think>a</think>\\boxed{5}","<think>b</think>\\boxed{6}"],"answer":"5"}' \
    '{"problem":"q","generations":["<think>c</think>\\boxed{1}"],"answer":"1"}' >"$T/gens.jsonl"
j=$($WHITTLE check --json "$T/gens.jsonl") || fail "check --json generations: exit $?"
expect_eq "$(echo "$j" | jq -c '[.records, .traces, .with_gold, .correct]')" "[2,3,3,2]" "generations counted"
$WHITTLE check "$T/gens.jsonl" | grep -qF "records      2 (3 traces: every generation is judged), 3 with a gold answer" ||
    fail "check text: records and traces"
$WHITTLE check "$FIX/check.jsonl" --map "$MAP" | grep -q "^records      6, 5 with a gold answer" ||
    fail "check text: one generation each, no traces"

# The fixture traces: all ten read, segmented and graded.
j=$($WHITTLE check --json --map "$MAP" "$FIX/traces.jsonl") || fail "traces: exit $?"
expect_eq "$(echo "$j" | jq -c '[.records, .with_gold]')" "[10,10]" "fixture traces"
expect_eq "$(echo "$j" | jq '.attempts.correct > 0 and .attempts.redundant > 0')" "true" \
    "fixture attempts labelled and marked"

# -j N: blocks of 64 records judged by N threads, reported in file order
# with the same numbers and totals as one thread; bad lines in between.
i=0
while [ $i -lt 300 ]; do
	if [ $((i % 97)) -eq 50 ]; then
		echo '{"question": "broken'
	else
		echo "{\"question\": \"q$i\", \"thinking\": \"so x = $i. Alternatively, x = $((i % 7)).\", \"answer\": \"The answer is \\\\boxed{$((i % 5))}\", \"gold\": \"$((i % 3))\"}"
	fi
	i=$((i + 1))
done >"$T/many.jsonl"
$WHITTLE check -j 1 --records --map "$MAP" "$T/many.jsonl" >"$T/r1" || fail "check -j 1: exit $?"
$WHITTLE check -j 3 --records --map "$MAP" "$T/many.jsonl" >"$T/r3" || fail "check -j 3: exit $?"
expect_eq "$(wc -l <"$T/r1" | tr -d ' ')" "297" "check -j 1: a line per good record"
expect_eq "$(jq -r .n "$T/r3" | tr '\n' ' ' | cut -c1-20)" "1 2 3 4 5 6 7 8 9 10" "check -j 3 numbers in file order"
expect_eq "$(jq -s '[.[].n] == [range(1; 298)]' "$T/r3")" "true" "check -j 3 numbers every good record once"
cmp -s "$T/r1" "$T/r3" || fail "check -j 3 --records differs from -j 1"
a=$($WHITTLE check -j 1 --json --map "$MAP" "$T/many.jsonl")
b=$($WHITTLE check -j 3 --json --map "$MAP" "$T/many.jsonl")
expect_eq "$b" "$a" "check -j 3 --json equals -j 1"
expect_eq "$(echo "$a" | jq -c '[.records, .correct > 0, .attempts.correct > 0]')" "[297,true,true]" "check of many records"
# The bad lines are counted, and named on stderr, not passed over.
expect_eq "$(echo "$a" | jq .bad)" 3 "check --json counts the bad records"
$WHITTLE check -j 3 --map "$MAP" "$T/many.jsonl" >"$T/text" 2>"$T/err"
grep -q "^records      297, 297 with a gold answer; 3 bad, skipped" "$T/text" || fail "check text: bad records"
expect_eq "$(grep -c '(record skipped)$' "$T/err")" 3 "check names each bad record"
grep -q "many.jsonl:148: .*(record skipped)$" "$T/err" || fail "bad record's line: $(cat "$T/err")"

# Usage and errors.
# Traces without gold answers have no accuracy (not 0%), and a verdict no
# trace has no mean thinking length (not 0).
printf '{"question":"q","thinking":"t","answer":"\\\\boxed{3}"}\n' >"$T/nogold.jsonl"
expect_eq "$($WHITTLE check --json "$T/nogold.jsonl" | jq -c '[.with_gold, .accuracy, .mean_thinking_chars]')" \
	'[0,null,{"correct":null,"incorrect":null}]' "check --json without gold"
$WHITTLE check "$T/nogold.jsonl" | grep -q '^accuracy     n/a (no record has a gold answer' ||
	fail "check without gold: $($WHITTLE check "$T/nogold.jsonl")"
$WHITTLE check >/dev/null 2>&1
expect_eq "$?" "2" "check without FILE"
$WHITTLE check --bogus "$FIX/check.jsonl" >/dev/null 2>&1
expect_eq "$?" "2" "check with an unknown option"
$WHITTLE check "$T/missing.jsonl" >/dev/null 2>&1
expect_eq "$?" "1" "check of a missing file"
$WHITTLE check --help | grep -q "usage: whittle check" || fail "check --help"

# Every real data file: no crash, and the accuracy of files whose own
# grader's accuracy is known (SOURCES.md) comes out the same.
if [ -d "$DATA" ]; then
	for f in "$DATA"/*/*.jsonl "$DATA"/*/*.json; do
		case "$f" in */hf-fixtures/*) continue ;; esac
		$WHITTLE check --json "$f" >"$T/one" 2>"$T/err" || fail "$f: exit $?: $(cat "$T/err")"
	done
	acc() { $WHITTLE check --json "$DATA/$1" | jq '.accuracy * 1000 | round'; }
	expect_eq "$(acc NovaSky-AI__SkyThought/skyt1_math-correct-5K-27B_math500.jsonl)" "600" "27B math500 accuracy (0.60)"
	expect_eq "$(acc NovaSky-AI__SkyThought/skyt1_math-correct-5K-14B_amc23.jsonl)" "550" "14B amc23 accuracy (0.55)"
	expect_eq "$(acc NovaSky-AI__SkyThought/skyt1_math-wrong-5K-14B_aime24.jsonl)" "167" "wrong aime24 accuracy (0.167)"
	expect_eq "$(acc openai__grade-school-math/test.jsonl)" "1000" "GSM8K references grade themselves"
	expect_eq "$(acc NovaSky-AI__SkyThought/math500_test.jsonl)" "1000" "MATH-500 references grade themselves"
else
	echo "note: $DATA is absent; the real-data part is skipped"
fi

done_test

# The measures of whittle eval beyond accuracy, through the real binary: a
# model that learned to think "a+b=c</think>" before boxing six sums gives
# thinking and answer tokens, pass@k over samples (worked out from each
# question's count of correct samples, and by hand where samples cannot
# differ from the greedy answer), accuracy by difficulty and budget (from
# the records and from the Lua steps' labels), where its thinking departs
# from the teacher's, and all of it as metrics during training.
. "$SRCDIR/tests/lib.sh"

sums="12 34|25 17|41 23|30 39|52 16|44 44"
echo "$sums" | tr '|' '\n' | while read -r a b; do
	printf '{"prompt": "%d+%d\\n\\n", "completion": "<think>%d+%d=%d</think>\\\\boxed{%d}"}\n' \
		"$a" "$b" "$a" "$b" $((a + b)) $((a + b))
done >"$T/train.jsonl"
# Gold of the second and fifth wrong on purpose; difficulty and budget in
# each of the places a record may hold them.
cat >"$T/eval.jsonl" <<'END'
{"question": "12+34", "thinking": "12+34=46", "answer": "", "gold": "46", "difficulty": "simple", "labels": {"budget": 32}}
{"question": "25+17", "thinking": "", "answer": "", "gold": "43", "difficulty": "simple", "labels": {"budget": 16}}
{"question": "41+23", "thinking": "First add the tens. 41+23=64", "answer": "", "gold": "64", "level": "Level 10", "budget": 32}
{"question": "30+39", "thinking": "30+39=69\n\nDone.", "answer": "\\boxed{69}", "gold": null, "labels": {"difficulty": "Level 2"}}
{"question": "52+16", "thinking": "", "answer": "", "gold": "67", "level": 3}
{"question": "44+44", "thinking": "", "answer": "", "gold": "88"}
END

# Training with evaluation: samples at a temperature so low that each is
# the greedy answer, so pass@k is the accuracy whatever k.
$WHITTLE train "$T/train.jsonl" --out "$T/m" --steps 200 --batch 6 --seq 48 --lr 1e-2 \
	--warmup 10 --val-frac 0 -j 1 --quiet --eval-every 100 --eval-data "$T/eval.jsonl" \
	--eval-samples 3 --eval-temperature 0.001 --eval-pass-k 1,3 || fail "train"
ck="$T/m/checkpoint-200"
metric() { jq -s "map(select(.name == \"$1\" and .step == 200)) | .[0].value" "$T/m/metrics.jsonl"; }
expect_eq "$(jq -s -c 'map(select(.name == "eval_pass_at_3")) | map(.step)' "$T/m/metrics.jsonl")" \
	"[100,200]" "pass@k at each evaluation"
expect_eq "$(metric eval_accuracy)" 0.666666667 "accuracy during training"
expect_eq "$(metric eval_pass_at_1)" 0.666666667 "pass@1 of greedy samples"
expect_eq "$(metric eval_pass_at_3)" 0.666666667 "pass@3 of greedy samples"
expect_eq "$(metric eval_thinking_tokens)" 23 "thinking tokens: <think>a+b=c</think>"
expect_eq "$(metric eval_answer_tokens)" 10 "answer tokens: \\boxed{c}"
expect_eq "$(metric eval_accuracy_difficulty_simple)" 0.5 "accuracy of the simple ones"
expect_eq "$(metric eval_accuracy_difficulty_Level_10)" 1 "a bucket name made a metric name"
expect_eq "$(metric eval_accuracy_budget_16)" 0 "accuracy at budget 16"
expect_eq "$(metric eval_within_budget_16)" 0 "23 thinking tokens are over 16"
expect_eq "$(metric eval_within_budget_32)" 1 "and within 32"
expect_eq "$(metric eval_budget_fidelity)" 0.666666667 "budget fidelity"

# whittle eval: the summary as JSON and as text.
$WHITTLE eval "$ck" "$T/eval.jsonl" --json --predictions "$T/p.jsonl" >"$T/r.json" || fail "eval"
expect_eq "$(jq -c '[.correct, .thinking_tokens_per_question, .answer_tokens_per_question]' "$T/r.json")" \
	"[4,23,10]" "correct, thinking and answer tokens"
expect_eq "$(jq -c '.difficulty' "$T/r.json")" \
	'[{"bucket":"3","questions":1,"correct":0,"accuracy":0},{"bucket":"Level 2","questions":1,"correct":1,"accuracy":1},{"bucket":"Level 10","questions":1,"correct":1,"accuracy":1},{"bucket":"simple","questions":2,"correct":1,"accuracy":0.5}]' \
	"accuracy by difficulty, numbers in names in order"
expect_eq "$(jq -c '.budgets' "$T/r.json")" \
	'[{"budget":16,"questions":1,"correct":0,"accuracy":0,"within":0,"within_budget":0,"thinking_tokens":23},{"budget":32,"questions":2,"correct":2,"accuracy":1,"within":2,"within_budget":1,"thinking_tokens":23}]' \
	"accuracy and fidelity by budget"
expect_eq "$(jq '.budget_fidelity' "$T/r.json")" 0.666667 "budget fidelity"
expect_eq "$(jq -c 'has("pass_at_1")' "$T/r.json")" false "no pass@k without samples"
$WHITTLE eval "$ck" "$T/eval.jsonl" >"$T/r.txt" 2>/dev/null
for line in "thinking tokens per question 23.0" "answer tokens per question 10.0" \
	"difficulty simple: 2 questions, accuracy 0.5000" \
	"budget 16: 1 questions, accuracy 0.0000, within budget 0.0000, thinking tokens 23.0" \
	"budget fidelity 0.6667"; do
	grep -qx "$line" "$T/r.txt" || fail "text summary: no '$line' in $(cat "$T/r.txt")"
done

# Predictions: tokens split, buckets, the thinking segmented, departures.
expect_eq "$(jq -s -c '.[0] | [.thinking, .answer, .thinking_tokens, .answer_tokens, .difficulty, .budget, .within_budget]' "$T/p.jsonl")" \
	'["12+34=46","\\boxed{46}",23,10,"simple",32,true]' "the first prediction"
expect_eq "$(jq -s -c '.[1] | [.budget, .within_budget, has("departs")]' "$T/p.jsonl")" \
	'[16,false,false]' "over budget; no teacher thinking, nothing to depart from"
expect_eq "$(jq -s -c '.[0].segmentation.segments | map([.role, .start, .end, .claim])' "$T/p.jsonl")" \
	'[["explore",0,8,"46"]]' "the response's thinking segmented"
expect_eq "$(jq -s -c '.[0].departs' "$T/p.jsonl")" null "the teacher's steps exactly"
expect_eq "$(jq -s -c '.[2].departs' "$T/p.jsonl")" \
	'{"segment":0,"student":"41+23=64","teacher":"First add the tens."}' "departs at once"
expect_eq "$(jq -s -c '.[3].departs' "$T/p.jsonl")" \
	'{"segment":1,"student":null,"teacher":"Done."}' "stops before the teacher's second step"
$WHITTLE stats "$T/p.jsonl" | grep -q "layout *whittle" || fail "predictions open as a dataset"

# pass@k over real samples: the same for any thread count, and what the
# estimator gives for each question's count of correct samples.
for j in 1 2; do
	$WHITTLE eval "$ck" "$T/eval.jsonl" --samples 8 --temperature 1.5 --pass-k 1,2,8 -j $j \
		--json --predictions "$T/s$j.jsonl" >"$T/s$j.json" 2>/dev/null || fail "samples"
done
cmp -s "$T/s1.jsonl" "$T/s2.jsonl" && cmp -s "$T/s1.json" "$T/s2.json" ||
	fail "samples depend on the thread count"
expect_eq "$(jq -s -c 'map(.correct)' "$T/s1.jsonl")" "$(jq -s -c 'map(.correct)' "$T/p.jsonl")" \
	"the graded response stays greedy"
jq -s -r '.[] | "\(.samples) \(.samples_correct)"' "$T/s1.jsonl" >"$T/counts"
awk '$1 == 8 && $2 > 0 && $2 < 8 { mixed = 1 } END { exit !mixed }' "$T/counts" ||
	fail "no question with both right and wrong samples: $(cat "$T/counts")"
for k in 1 2 8; do
	want=$(awk -v k=$k '{ n = $1; c = $2; miss = 1
		if (n - c >= k) for (i = n - c + 1; i <= n; i++) miss *= 1 - k / i
		else miss = 0
		sum += 1 - miss } END { printf "%.6f", sum / NR }' "$T/counts")
	got=$(jq -r ".pass_at_$k | . * 1000000 | round / 1000000 | tostring" "$T/s1.json")
	awk -v a="$got" -v b="$want" 'BEGIN { exit !(a - b < 1e-6 && b - a < 1e-6) }' ||
		fail "pass@$k: got $got, the estimator gives $want"
done
$WHITTLE eval "$ck" "$T/eval.jsonl" --samples 2 --temperature 1 >"$T/s.txt" 2>/dev/null
grep -q "^pass@2 " "$T/s.txt" && grep -q "^samples per question 2$" "$T/s.txt" ||
	fail "pass@1 and pass@N by default: $(cat "$T/s.txt")"

# The Lua difficulty and budget steps' labels.
tok="$SRCDIR/tests/tokenizer/tiny-gpt2.json"
jq -c 'del(.difficulty, .level)' "$T/eval.jsonl" >"$T/plain.jsonl"
$WHITTLE step difficulty --tokenizer "$tok" "$T/plain.jsonl" -o "$T/d.jsonl" 2>/dev/null
expect_eq "$($WHITTLE eval "$ck" "$T/d.jsonl" --json 2>/dev/null | jq -c '.difficulty | map([.bucket, .questions])')" \
	'[["simple",6]]' "the difficulty step's labels"
jq -c 'del(.budget, .labels)' "$T/plain.jsonl" >"$T/nobudget.jsonl"
$WHITTLE step budget levels=4,64 --tokenizer "$tok" "$T/nobudget.jsonl" -o "$T/b.jsonl" 2>/dev/null
expect_eq "$($WHITTLE eval "$ck" "$T/b.jsonl" --json 2>/dev/null | jq -c '.budgets | map([.budget, .questions])')" \
	"$(jq -s -c 'map(select(.gold != null or .answer != "")) | group_by(.labels.budget) | map([.[0].labels.budget, length])' "$T/b.jsonl")" \
	"the budget step's labels"
expect_eq "$(jq -s -c 'map(.labels.budget) | unique' "$T/b.jsonl")" "[4,64]" "two budgets to count"

# Run by the engine: the metrics of the run.
WHITTLE_METRICS="$T/job.jsonl" $WHITTLE eval "$ck" "$T/eval.jsonl" --samples 2 \
	--temperature 0.001 >/dev/null 2>&1 || fail "eval as a job"
expect_eq "$(tail -n 1 "$T/job.jsonl" | jq -c '[.pass_at_2, .thinking_tokens, .accuracy_difficulty_simple, .budget_fidelity]')" \
	"[0.666667,23,0.5,0.666667]" "a job's metrics"

# A prompt too long to answer: no sample correct, not within its budget.
q=$(printf '%0300d' 1)
printf '{"question": "%s", "thinking": "", "answer": "", "gold": "3", "budget": 1000}\n' "$q" >"$T/long.jsonl"
$WHITTLE eval "$ck" "$T/long.jsonl" --samples 2 --temperature 1 --json --predictions "$T/lp.jsonl" \
	2>/dev/null | jq -c '[.too_long, .pass_at_2, .budget_fidelity]' >"$T/long.json"
expect_eq "$(cat "$T/long.json")" "[1,0,0]" "too long: no samples, no budget kept"
expect_eq "$(jq -c '[.within_budget, .samples_correct, .tokens]' "$T/lp.jsonl")" "[false,0,0]" \
	"too long: the prediction"

# Bad options.
$WHITTLE eval "$ck" "$T/eval.jsonl" --samples 4 2>/dev/null; expect_eq $? 2 "samples at temperature 0"
$WHITTLE eval "$ck" "$T/eval.jsonl" --samples 4 --temperature 1 --pass-k 5 2>/dev/null
expect_eq $? 2 "k above the samples"
$WHITTLE eval "$ck" "$T/eval.jsonl" --pass-k 1 2>/dev/null; expect_eq $? 2 "pass-k without samples"
$WHITTLE train "$T/train.jsonl" --out "$T/u" --eval-samples 2 2>/dev/null; expect_eq $? 2 \
	"eval-samples at temperature 0"
done_test

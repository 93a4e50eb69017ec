# whittle eval and evaluation during training, through the real binary: a
# model that learned six sums answers them; gold answers (two of them wrong
# on purpose), a reference solution and a teacher's trace grade it; the
# counts, tokens and predictions are exact.
. "$SRCDIR/tests/lib.sh"

sums="12 34|25 17|41 23|30 39|52 16|44 44"
echo "$sums" | tr '|' '\n' | while read -r a b; do
	printf '{"prompt": "%d+%d\\n\\n", "completion": "\\\\boxed{%d}"}\n' "$a" "$b" $((a + b))
done >"$T/train.jsonl"
cat >"$T/eval.jsonl" <<'END'
{"question": "12+34", "thinking": "", "answer": "", "gold": "46"}
{"question": "25+17", "thinking": "", "answer": "", "gold": "43"}
{"question": "41+23", "thinking": "", "answer": "", "gold": "Add them: so the answer is \\boxed{64}.\nDone."}
{"question": "no answer anywhere", "thinking": "hmm", "answer": "", "gold": null}
{"question": "30+39", "thinking": "30 and 39 make 69", "answer": "\\boxed{69}", "gold": null}
{"question": "52+16", "thinking": "", "answer": "", "gold": "67"}
{"question": "44+44", "thinking": "", "answer": "", "gold": "88"}
END
args="--batch 6 --seq 24 --lr 1e-2 --warmup 10 --val-frac 0 -j 1 --quiet"
$WHITTLE train "$T/train.jsonl" --out "$T/m" --steps 200 $args || fail "train"
ck="$T/m/checkpoint-200"

$WHITTLE eval "$ck" "$T/eval.jsonl" --json --predictions "$T/p.jsonl" >"$T/r.json" ||
	fail "eval"
expect_eq "$(jq -c '[.questions, .correct, .answered, .tokens, .tokens_per_question, .tokens_per_correct]' "$T/r.json")" \
	"[6,4,6,60,10,15]" "questions, correct, answered, tokens, per question, per correct"
expect_eq "$(jq -s 'length' "$T/p.jsonl")" 6 "a prediction a question"
expect_eq "$(jq -s -c 'map(.correct)' "$T/p.jsonl")" "[true,false,true,true,false,true]" \
	"graded"
expect_eq "$(jq -s -c '.[1] | [.prediction, .gold, .end, .tokens]' "$T/p.jsonl")" \
	'["42","43","eos",10]' "the second prediction"
expect_eq "$(jq -s -r '.[0].thinking' "$T/p.jsonl")" '\boxed{46}' "the response"
$WHITTLE stats "$T/p.jsonl" | grep -q "layout *whittle" || fail "predictions open as a dataset"
$WHITTLE eval "$ck" "$T/eval.jsonl" | grep -q "^accuracy 0.6667$" || fail "the text summary"

expect_eq "$($WHITTLE eval "$ck" "$T/eval.jsonl" --limit 2 --json | jq .questions)" 2 "limit"
# A bad record among the questions is named and skipped.
{ head -2 "$T/eval.jsonl"; echo '{"question": '; } >"$T/eval-bad.jsonl"
expect_eq "$($WHITTLE eval "$ck" "$T/eval-bad.jsonl" --json 2>"$T/err" | jq .questions)" 2 "eval skips a bad record"
grep -q "eval-bad.jsonl:3: .*(record skipped)$" "$T/err" || fail "eval names the bad record: $(cat "$T/err")"
$WHITTLE eval "$ck" "$T/eval.jsonl" --max-new 4 --json --predictions "$T/short.jsonl" |
	jq -e '.correct == 0 and .tokens == 24' >/dev/null || fail "a limit too short to answer"
expect_eq "$(jq -s -r '.[0].end' "$T/short.jsonl")" length "ended by the limit"
$WHITTLE eval "$ck" "$T/eval.jsonl" --max-new 4 | grep -qx "tokens per correct answer n/a (no correct answer)" ||
	fail "tokens per correct answer with none correct: $($WHITTLE eval "$ck" "$T/eval.jsonl" --max-new 4)"
$WHITTLE eval "$ck" "$T/eval.jsonl" --temperature 3 --seed 4 -j 1 --predictions "$T/s1.jsonl" >/dev/null
$WHITTLE eval "$ck" "$T/eval.jsonl" --temperature 3 --seed 4 -j 2 --predictions "$T/s2.jsonl" >/dev/null
cmp -s "$T/s1.jsonl" "$T/s2.jsonl" || fail "sampled answers depend on the thread count"
cmp -s "$T/s1.jsonl" "$T/p.jsonl" && fail "sampling at temperature 3 changed nothing"
expect_eq "$($WHITTLE eval "$ck" "$T/eval.jsonl" --prompt 'Q: {question}' --json | jq .correct)" 0 \
	"another prompt than the one trained on"

# During training: metrics at each evaluation, graded responses beside them.
$WHITTLE train "$T/train.jsonl" --out "$T/t" --steps 200 --eval-every 100 \
	--eval-data "$T/eval.jsonl" --eval-limit 5 $args || fail "train with eval"
expect_eq "$(jq -s -c 'map(select(.name == "eval_accuracy")) | map(.step)' "$T/t/metrics.jsonl")" \
	"[100,200]" "eval_accuracy at each evaluation"
expect_eq "$(jq -s 'map(select(.name == "eval_accuracy" and .step == 200)) | .[0].value' "$T/t/metrics.jsonl")" \
	0.6 "accuracy on the first five"
expect_eq "$(jq -s 'map(select(.name == "eval_tokens_per_correct")) | .[1].value' "$T/t/metrics.jsonl")" \
	"16.6666667" "tokens per correct answer"
expect_eq "$(jq -s length "$T/t/eval-200.jsonl")" 5 "predictions of step 200"
cmp -s "$T/t/checkpoint-200/model.safetensors" "$ck/model.safetensors" ||
	fail "evaluating changed the training"

# Bad input.
$WHITTLE eval "$ck" "$T/none.jsonl" 2>/dev/null; expect_eq $? 1 "no dataset"
echo '{"question": "x", "thinking": "no number", "answer": "", "gold": null}' >"$T/bad.jsonl"
$WHITTLE eval "$ck" "$T/bad.jsonl" 2>"$T/err"; expect_eq $? 1 "no answers"
grep -q "no record has a question and an answer" "$T/err" || fail "message: $(cat "$T/err")"
$WHITTLE eval "$ck" 2>/dev/null; expect_eq $? 2 "no dataset given"
$WHITTLE train "$T/train.jsonl" --out "$T/u" --eval-data "$T/bad.jsonl" $args 2>/dev/null &&
	fail "train with a dataset of no questions"
$WHITTLE eval --help | grep -q "usage: whittle eval" || fail "help"
done_test

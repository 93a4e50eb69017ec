# whittle generate through the real binary: a model trained to recite one
# sentence continues its start, stops at its end token, after a stop text
# or at the limit; sampling is repeatable by seed; bad input is refused.
. "$SRCDIR/tests/lib.sh"

for i in 1 2 3 4 5 6 7 8; do
	echo '{"text": "the cat sat on the mat"}'
done >"$T/cat.jsonl"
$WHITTLE train "$T/cat.jsonl" --out "$T/m" --steps 150 --batch 2 --seq 24 --lr 1e-2 \
	--warmup 5 --val-frac 0 -j 1 --quiet || fail "train"
ck="$T/m/checkpoint-150"

out=$($WHITTLE generate "$ck" "the cat" -j 1 2>"$T/err") || fail "generate"
# A training's --out folder stands for its latest checkpoint, as for eval;
# a folder with no checkpoint says so.
expect_eq "$($WHITTLE generate "$T/m" "the cat" -j 1 --quiet 2>"$T/err2")" "$out" "--out folder"
grep -qx "whittle generate: $ck" "$T/err2" || fail "the checkpoint taken: $(cat "$T/err2")"
$WHITTLE generate "$T" "the cat" 2>"$T/err2" && fail "a folder with no checkpoint"
grep -qx "whittle: $T: no checkpoint: neither a checkpoint folder (config.json) nor .*" "$T/err2" ||
	fail "no checkpoint: $(cat "$T/err2")"
expect_eq "$out" " sat on the mat" "greedy continuation"
grep -q "^15 tokens, ended by eos" "$T/err" || fail "summary: $(cat "$T/err")"
expect_eq "$(printf 'the cat' | $WHITTLE generate "$ck" --quiet)" " sat on the mat" \
	"prompt from standard input"
expect_eq "$($WHITTLE generate "$ck" "the cat" --max-new 4 2>"$T/err")" " sat" "limit"
grep -q "ended by length" "$T/err" || fail "limit summary"
expect_eq "$($WHITTLE generate "$ck" "the cat" --stop " on" 2>"$T/err")" " sat on" "stop text"
grep -q "ended by stop" "$T/err" || fail "stop summary"

# Sampling: hot enough to leave the sentence; the same seed, the same text.
a=$($WHITTLE generate "$ck" "the" --temperature 3 --seed 5 --quiet)
b=$($WHITTLE generate "$ck" "the" --temperature 3 --seed 5 --quiet -j 2)
expect_eq "$a" "$b" "the same seed"
seen=""
for s in 1 2 3 4 5 6; do
	seen="$seen$($WHITTLE generate "$ck" "the" --temperature 3 --seed $s --quiet)|"
done
[ "$seen" != "$(printf '%s|' " cat sat on the mat" " cat sat on the mat" " cat sat on the mat" \
	" cat sat on the mat" " cat sat on the mat" " cat sat on the mat")" ] ||
	fail "sampling at temperature 3 always gave the greedy text"
expect_eq "$($WHITTLE generate "$ck" "the" --temperature 3 --top-p 0.000001 --quiet)" \
	" cat sat on the mat" "a tiny nucleus is greedy"

# Bad input.
$WHITTLE generate "$ck" "$(printf '%030d' 0)" 2>"$T/err" && fail "a prompt past max_pos"
grep -q "no room" "$T/err" || fail "message for a long prompt: $(cat "$T/err")"
$WHITTLE generate "$ck" "" 2>"$T/err" && fail "an empty prompt"
grep -q "the prompt is empty" "$T/err" || fail "message for an empty prompt: $(cat "$T/err")"
$WHITTLE generate "$ck" x --top-p 0 2>/dev/null; expect_eq $? 2 "top-p 0"
$WHITTLE generate "$ck" x --temperature -1 2>/dev/null; expect_eq $? 2 "negative temperature"
$WHITTLE generate "$T/none" x 2>/dev/null; expect_eq $? 1 "no checkpoint"
if [ -d "$DATA/hf-fixtures/tiny-qwen2" ]; then
	$WHITTLE generate "$DATA/hf-fixtures/tiny-qwen2" x 2>"$T/err" && fail "no tokenizer"
	grep -q "needs its tokenizer" "$T/err" || fail "message: $(cat "$T/err")"
fi
$WHITTLE generate --help | grep -q "usage: whittle generate" || fail "help"
done_test

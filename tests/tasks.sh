# The synthetic tasks from the command line (whittle lua
# lua/whittle/tasks/NAME.lua): same bytes for a seed, a layout whittle
# detects, answers whittle check finds correct; and a quick run of the
# reproduction pipeline: three students trained and graded, a table.
. "$SRCDIR/tests/lib.sh"
. "$SRCDIR/tests/engine/lib.sh"
export XDG_CONFIG_HOME="$T/config"
tasks="$SRCDIR/lua/whittle/tasks"

for task in add multiply arith; do
	"$WHITTLE" lua "$tasks/$task.lua" n=50 seed=2 -o "$T/$task.jsonl" || fail "$task: generate"
	"$WHITTLE" lua "$tasks/$task.lua" n=50 seed=2 >"$T/$task.again.jsonl" || fail "$task: to stdout"
	cmp -s "$T/$task.jsonl" "$T/$task.again.jsonl" || fail "$task: the same seed gave other bytes"
	expect_eq "$(wc -l <"$T/$task.jsonl")" 50 "$task: n records"
	"$WHITTLE" stats "$T/$task.jsonl" | grep -q '^layout  *messages' || fail "$task: layout"
	"$WHITTLE" check "$T/$task.jsonl" | grep -q '^accuracy  *100.0% (50 correct of 50 with gold)' ||
		fail "$task: whittle check: $("$WHITTLE" check "$T/$task.jsonl")"
done
"$WHITTLE" lua "$tasks/multiply.lua" n=5 digits=2 by=2 -o "$T/m22.jsonl" || fail "task parameters"
jq -e -s 'all(.[]; .difficulty == 4)' "$T/m22.jsonl" >/dev/null || fail "difficulty"
"$WHITTLE" lua "$tasks/multiply.lua" size=3 2>"$T/err" && fail "an unknown parameter was taken"
grep -q 'no parameter size' "$T/err" || fail "unknown parameter message: $(cat "$T/err")"

# The pipeline, tiny: it runs the DLCoT pipeline and thinkfree, trains and
# grades three students in the engine and prints their table.
cd "$T"
"$WHITTLE" lua "$tasks/reproduce.lua" quick=true dir=r >"$T/out" 2>"$T/err" ||
	fail "reproduce: $(cat "$T/err")"
for arm in raw dlcot answer; do
	grep -q "^$arm  .*%" "$T/out" || fail "no row for $arm: $(cat "$T/out")"
	"$WHITTLE" runs | grep -q "done .* reproduce $arm\$" || fail "no training run $arm"
	"$WHITTLE" runs | grep -q "done .* reproduce eval $arm\$" || fail "no eval run $arm"
	[ -s "r/$arm.predictions.jsonl" ] || fail "no predictions of $arm"
done
# Again in the same folder: the earlier students give way to the new.
"$WHITTLE" lua "$tasks/reproduce.lua" quick=true dir=r >"$T/out2" 2>"$T/err" ||
	fail "reproduce again in the same folder: $(cat "$T/err")"
grep -q "^raw  .*%" "$T/out2" || fail "no row for raw the second time: $(cat "$T/out2")"
expect_eq "$(wc -l <r/held-out.jsonl)" 8 "held-out problems"
expect_eq "$(wc -l <r/teacher.jsonl)" 40 "training problems"
# Held-out questions are never trained on.
jq -r '.messages[0].content' r/held-out.jsonl | sort >"$T/held.q"
jq -r '.messages[0].content' r/teacher.jsonl | sort >"$T/train.q"
expect_eq "$(comm -12 "$T/held.q" "$T/train.q" | wc -l)" 0 "held-out questions trained on"
# DLCoT removed what it should: no trace of it keeps a wrong attempt or a re-check.
jq -e -s 'all(.[]; (.thinking | test("Wait|double-check")) | not)' r/dlcot.jsonl >/dev/null ||
	fail "the DLCoT traces keep a wrong attempt or a re-check"
jq -e -s 'any(.[]; .messages[1].content | test("Wait"))' r/teacher.jsonl >/dev/null ||
	fail "no teacher trace has a wrong attempt"
stop_engine
done_test

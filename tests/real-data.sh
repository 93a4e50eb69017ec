# Every real file in ../shared/data loads with the right container, layout
# and record count, and no bad records.
. "$SRCDIR/tests/lib.sh"
need_data

while read -r file container layout records; do
	[ -n "$file" ] || continue
	s=$($WHITTLE stats --json "$DATA/$file" 2>"$T/err") || fail "$file: exit $?: $(cat "$T/err")"
	got=$(echo "$s" | jq -r '[.container, .layout, .records, (.bad | length)] | join(" ")')
	expect_eq "$got" "$container $layout $records 0" "$file"
done <<'LIST'
HuangZhen02__longCOT-example/aime2024_gemini-2.0-flash-thinking.jsonl jsonl gemini-reasoning 30
HuangZhen02__longCOT-example/limo_deepseek-r1-distill-qwen-32b.jsonl jsonl limo 291
HuangZhen02__longCOT-example/limo_official-solution.jsonl jsonl limo 497
HuangZhen02__longCOT-example/limo_qwen2.5-32b-instruct.jsonl jsonl limo 497
NovaSky-AI__SkyThought/Qwen2.5-32B-Instruct_AIME_train_None_0_-1_still2_sys_one_long.json keyed skythought-results 30
NovaSky-AI__SkyThought/math500_test.jsonl jsonl math 500
NovaSky-AI__SkyThought/qwen2.5-14b-instruct_shortcot_math500.jsonl jsonl skythought-eval 500
NovaSky-AI__SkyThought/skyt1_math-correct-5K-14B_amc23.jsonl jsonl skythought-eval 40
NovaSky-AI__SkyThought/skyt1_math-correct-5K-27B_math500.jsonl jsonl skythought-eval 500
NovaSky-AI__SkyThought/skyt1_math-corrupt-0.2-32B_amc23.jsonl jsonl skythought-eval 40
NovaSky-AI__SkyThought/skyt1_math-wrong-5K-14B_aime24.jsonl jsonl skythought-eval 30
QwenLM__QwQ/aime24.jsonl jsonl prompt-answer 30
QwenLM__QwQ/aime25.jsonl jsonl prompt-answer 30
markyx316__LLM-Reasoning-Trace-Topology/math500_deepseek_r1.jsonl jsonl trace-topology 20
markyx316__LLM-Reasoning-Trace-Topology/math500_deepseek_r1_parsed.jsonl jsonl trace-topology 20
markyx316__LLM-Reasoning-Trace-Topology/pilot_math500_qwen7b.jsonl jsonl trace-topology 20
openai__grade-school-math/example_model_solutions.jsonl jsonl gsm8k-solutions 1319
openai__grade-school-math/test.jsonl jsonl gsm8k 1319
openai__grade-school-math/test_socratic.jsonl jsonl gsm8k 1319
openai__grade-school-math/train.jsonl jsonl gsm8k 7473
openreasoner__openr/samples_math-aps.jsonl jsonl math-aps 3
openreasoner__openr/samples_math-shepherd.jsonl jsonl math-shepherd 7
openreasoner__openr/samples_prm800k.jsonl jsonl prm800k 6
tongyx361__reward-by-prm800k/MATH-problem-example.json stream math 1
tongyx361__reward-by-prm800k/RM-scored-example.json stream rm-scored 1
tongyx361__reward-by-prm800k/prm800k-phase1-test-example.json stream prm800k 1
tongyx361__reward-by-prm800k/prm800k-phase1-train-example.json stream prm800k 3
tongyx361__reward-by-prm800k/prm800k-phase2-test-example.json stream prm800k 1
tongyx361__reward-by-prm800k/prm800k-phase2-train-example.jsonl stream prm800k 9
LIST

# Delimiters as SOURCES.md counts them: records whose thinking closes.
sky="$DATA/NovaSky-AI__SkyThought"
expect_eq "$($WHITTLE stats --json "$sky/skyt1_math-correct-5K-27B_math500.jsonl" | jq .with_answer)" 196 \
	"27B: records with <|end_of_thought|>"
expect_eq "$($WHITTLE stats --json "$sky/skyt1_math-wrong-5K-14B_aime24.jsonl" | jq .truncated)" 26 \
	"wrong-14B: truncated traces"

# Fields land where SOURCES.md says, against jq reading the same records.
f="$DATA/openai__grade-school-math/test.jsonl"
expect_eq "$($WHITTLE show --json "$f" 1319 | jq -r .gold)" \
	"$(tail -1 "$f" | jq -r '.answer | split("#### ")[-1]')" "GSM8K gold"
f="$DATA/markyx316__LLM-Reasoning-Trace-Topology/math500_deepseek_r1.jsonl"
expect_eq "$($WHITTLE show --json "$f" 7 | jq -r .thinking)" \
	"$(sed -n 7p "$f" | jq -r .reasoning_trace)" "R1 reasoning_trace"
f="$DATA/NovaSky-AI__SkyThought/Qwen2.5-32B-Instruct_AIME_train_None_0_-1_still2_sys_one_long.json"
expect_eq "$($WHITTLE show --json "$f" 30 | jq -r .gold)" \
	"$(jq -r '[.[]][29].answer' "$f")" "keyed record 30"
f="$DATA/tongyx361__reward-by-prm800k/prm800k-phase2-train-example.jsonl"
expect_eq "$($WHITTLE show --json "$f" 9 | jq -r .question)" \
	"$(jq -rs '.[8].question.problem' "$f")" "stream record 9"
f="$DATA/openreasoner__openr/samples_math-aps.jsonl"
expect_eq "$($WHITTLE show --json -g 4 "$f" 1 | jq -r .thinking)" \
	"$(head -1 "$f" | jq -r '.reasoning_steps[4].solution_prefix')" "math-aps generation 4"

# Every real file exports to messages, one valid line per good record.
for f in "$DATA"/*/*.json "$DATA"/*/*.jsonl; do
	case "$f" in */hf-fixtures/*) continue ;; esac
	n=$($WHITTLE stats --json "$f" | jq .records)
	$WHITTLE export "$f" >"$T/out.jsonl" 2>"$T/err" || fail "export $f: $(cat "$T/err")"
	expect_eq "$(jq -c . "$T/out.jsonl" | wc -l)" "$n" "export lines of $f"
done
done_test

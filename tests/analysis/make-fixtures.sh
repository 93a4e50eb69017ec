#!/bin/sh
# Rebuild traces.jsonl: the ten real traces inspected by hand for
# test-segment-real, taken from ../shared/data (see its SOURCES.md for
# licences: Apache-2.0 and MIT) through `whittle show --json`.
# usage: tests/analysis/make-fixtures.sh WHITTLE DATADIR > tests/analysis/traces.jsonl
set -e
whittle=$1 data=$2
while read -r file n; do
	"$whittle" show --json "$data/$file" "$n" |
	python3 -c 'import json, sys
d = json.load(sys.stdin)
print(json.dumps({"source": sys.argv[1], "record": int(sys.argv[2]),
    "question": d["question"], "thinking": d["thinking"], "answer": d["answer"],
    "gold": d["gold"]}, ensure_ascii=False))' "$file" "$n"
done <<'LIST'
HuangZhen02__longCOT-example/limo_deepseek-r1-distill-qwen-32b.jsonl 3
HuangZhen02__longCOT-example/limo_deepseek-r1-distill-qwen-32b.jsonl 99
markyx316__LLM-Reasoning-Trace-Topology/math500_deepseek_r1.jsonl 1
markyx316__LLM-Reasoning-Trace-Topology/pilot_math500_qwen7b.jsonl 5
NovaSky-AI__SkyThought/skyt1_math-correct-5K-27B_math500.jsonl 26
NovaSky-AI__SkyThought/skyt1_math-corrupt-0.2-32B_amc23.jsonl 1
HuangZhen02__longCOT-example/aime2024_gemini-2.0-flash-thinking.jsonl 1
NovaSky-AI__SkyThought/skyt1_math-wrong-5K-14B_aime24.jsonl 10
openai__grade-school-math/test.jsonl 1
NovaSky-AI__SkyThought/math500_test.jsonl 1
LIST

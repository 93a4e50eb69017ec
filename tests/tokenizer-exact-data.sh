#!/bin/sh
# Exactness on real data: for every string of every record of every file in
# ../shared/data, whittle's ids with the real Qwen3, Llama 3 and DeepSeek-V3
# tokenizer.json equal those of Hugging Face's tokenizers (the reference).
. "$SRCDIR/tests/tokenizer/lib.sh"
data=$SRCDIR/../shared/data
[ -d "$data" ] || skip "no real data at $data"
install_reference
work=$BUILDDIR/tests/tokenizer-exact-data.tmp
rm -rf "$work" && mkdir -p "$work" || exit 99
node "$here/texts.js" "$data" "$work/texts.jsonl" || exit 99
[ -s "$work/texts.jsonl" ] || skip "no texts in the files of $data"
for model in qwen3 llama3 deepseek_v3; do
	compare "data-$model" "$(model_json $model)" "$work/texts.jsonl"
done
[ $failed = 0 ] && rm -rf "$work"
exit $failed

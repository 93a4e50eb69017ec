#!/usr/bin/env python3
"""Benchmark `whittle stats` against what a user would run instead, in one run.

Writes a synthetic JSON-lines file of long reasoning traces (default 1 GB,
~100K records with 2-40 KB of thinking each, in the chat-messages layout with
<think> tags) and times, on the same file in the same run:
  whittle stats, jq -c . >/dev/null, a Python json.loads loop,
  VisiData's full load (through its Python API) and lnav's index.
Prints seconds, peak anonymous memory (RssAnon: memory outside the file
mapping) and each tool's time over whittle's. Also whittle with 1 and 2
threads, as index+scan throughput in GB/s.

Each tool runs once to measure its peak memory (a thread reads
/proc/PID/status every 5 ms, which would slow what it watches), then --runs
times (default 3) to time it, the tools taking turns so that other load on
the machine falls on all of them alike; each keeps its best time (noise
only ever adds time).

usage: bench/stats.py [--size-mb N] [--runs N] [--whittle PATH] [--skip TOOL ...]
The file is cached in bench/out/. OPENBLAS_CORETYPE is not involved here.
"""
import argparse, json, os, random, shutil, subprocess, sys, threading, time

HERE = os.path.dirname(os.path.abspath(__file__))
# Words with the make-up of real R1 traces (measured on the traces in
# shared/data): a backslash every 14-55 bytes (LaTeX, \n), a non-ASCII byte
# every 100-360 (mostly symbols; one Chinese phrase a trace).
WORDS = ("so we need the sum of the first n terms , and then we check the "
         "case where n is even . wait , that is not right . let me check "
         "again : 3 + 5 = 8 and 8 * 2 = 16 . alternatively , consider "
         "x^2 + y^2 = r^2 where \\frac{a}{b} is in lowest terms and "
         "\\sqrt{2} is irrational , so the total is 16 . hmm , maybe the "
         "answer is 16 , which means the area is 8 \\cdot 2 . "
         "verify : 16 / 2 = 8 , which checks out ✓ . so the answer is "
         "\\boxed{16} .").split()


def make_file(path, size_mb, seed=1):
    rnd = random.Random(seed)
    target = size_mb * 1_000_000
    written = n = 0
    with open(path, "w", encoding="utf-8") as f:
        while written < target:
            k = rnd.randint(2_000, 40_000) // 6
            think = " ".join(rnd.choice(WORDS) for _ in range(k))
            paras = think.split(" . ")
            paras.insert(len(paras) // 2, "换一种方法：所以答案是 16")
            think = ".\n\n".join(paras)
            # the reference is the answer the thinking reaches (16), so the
            # DLCoT steps find a main path instead of skipping the trace
            rec = {"id": n, "messages": [
                {"role": "user", "content": f"Problem {n}: find the value of x."},
                {"role": "assistant", "content": f"<think>\n{think}\n</think>\n\nThe answer is \\boxed{{16}}."}],
                "answer": "16"}
            line = json.dumps(rec, ensure_ascii=False) + "\n"
            f.write(line)
            written += len(line.encode())
            n += 1
    return n


def run(cmd, env=None, stdin=None, sample=True):
    """Run cmd; return (seconds, peak RssAnon MB or 0 without sampling, stdout)."""
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                         stdin=stdin, env=env)
    peak = [0]
    if not sample:
        out, _ = p.communicate()
        dt = time.perf_counter() - t0
        if p.returncode != 0:
            raise RuntimeError(f"{cmd[0]} exited {p.returncode}")
        return dt, 0, out

    def sample():
        path = f"/proc/{p.pid}/status"
        while p.poll() is None:
            try:
                for line in open(path):
                    if line.startswith("RssAnon:"):
                        peak[0] = max(peak[0], int(line.split()[1]))
            except OSError:
                break
            time.sleep(0.005)
    th = threading.Thread(target=sample)
    th.start()
    out, _ = p.communicate()
    th.join()
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError(f"{cmd[0]} exited {p.returncode}")
    return dt, peak[0] / 1024, out


PY_LOOP = """
import json, sys
n = 0
with open(sys.argv[1], encoding="utf-8") as f:
    for line in f:
        if line.strip():
            json.loads(line); n += 1
print(n)
"""

VD_LOAD = """
import sys
from visidata import vd
vd.options.set('quitguard', False)
sheet = vd.openSource(sys.argv[1], filetype='jsonl')
sheet.reload()
vd.sync()
print(len(sheet.rows))
"""


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=int, default=1000)
    ap.add_argument("--whittle", default=os.path.join(HERE, "..", "whittle"))
    ap.add_argument("--skip", nargs="*", default=[])
    ap.add_argument("--runs", type=int, default=3)
    a = ap.parse_args()
    os.makedirs(os.path.join(HERE, "out"), exist_ok=True)
    path = os.path.join(HERE, "out", f"traces-v3-{a.size_mb}mb.jsonl")
    if not os.path.exists(path):
        print(f"writing {path} ...", file=sys.stderr)
        make_file(path, a.size_mb)
    size = os.path.getsize(path)
    subprocess.run(["cat", path], stdout=subprocess.DEVNULL)  # warm the page cache
    w = os.path.abspath(a.whittle)
    tools = {f"whittle stats -j{k}": [w, "stats", "--json", "-j", str(k), path] for k in (1, 2)}
    tools.update({
        "lnav index": ["lnav", "-n", "-q", "-c", ":quit", path],
        "python json.loads loop": [sys.executable, "-c", PY_LOOP, path],
        # VisiData is Debian's package, for Debian's Python.
        "visidata full load": ["/usr/bin/python3", "-c", VD_LOAD, path],
        "jq -c .": ["jq", "-c", ".", path],
    })
    tools = {name: cmd for name, cmd in tools.items()
             if name.split()[0] not in a.skip and shutil.which(cmd[0])}
    results, records = {}, None
    env = dict(os.environ, HOME=os.path.join(HERE, "out"))
    for r in range(a.runs + 1):
        for name, cmd in list(tools.items()):
            try:
                dt, rss, out = run(cmd, env=env, sample=r == 0)
            except RuntimeError as e:
                print(f"{name}: {e}", file=sys.stderr)
                del tools[name]
                continue
            if name.startswith("whittle"):
                records = json.loads(out)["records"]
            if r == 0:
                results[name] = (float("inf"), rss)
            elif dt < results[name][0]:
                results[name] = (dt, results[name][1])
    base = results["whittle stats -j2"][0]
    print(f"file: {size / 1e9:.2f} GB, {records} records, {os.cpu_count()} cores")
    print(f"{'tool':28} {'seconds':>8} {'RssAnon MB':>11} {'x whittle':>10}")
    for name, (dt, rss) in results.items():
        print(f"{name:28} {dt:8.2f} {rss:11.1f} {dt / base:10.1f}")
    one, two = results["whittle stats -j1"][0], results["whittle stats -j2"][0]
    print(f"whittle throughput: {size / one / 1e9:.2f} GB/s on 1 thread, "
          f"{size / two / 1e9:.2f} GB/s on 2 ({one / two:.2f}x)")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The trace analysis's heuristics as a plain Python script (re module), to
time against whittle's C on the same file in the same run (bench/analysis.sh).

Same cue table (read from src/analysis/rules.c), same sentence splitter
(protected LaTeX, code and [asy] spans; list marks, factorials, lowercase
continuations), same roles, claims, attempts, labels, overlap redundancy and
answer rules. Equivalence is simpler here (normalised strings, then floats;
no expression evaluation), which only makes Python faster.

usage: analysis_ref.py FILE RULES_C [MAX_MB]  -> one JSON line like
analysis-bench's; MAX_MB reads only the first lines, up to that many MB
(Python's rate does not depend on the file's size, and 1 GB takes it long).
"""
import json, re, sys, time

CUE_RE = re.compile(r'(START|ANY)\("([^"]*)", (\w+)\)')
PROT = (r'```.*?```|`[^`\n]*`|\$\$.*?\$\$|\$(?=\S)(?:[^$\\\n]|\\.|\n(?!\n))*?(?<=\S)\$(?!\d)'
        r'|\\\(.*?\\\)|\\\[.*?\\\]|\\begin\{([^}\n]{1,40})\}.*?\\end\{\1\}|\[asy\].*?\[/asy\]')
SPLIT = re.compile(r'(?:%s)|(\n[ \t\r\n]*)|(?<=[.!?])([ \t]+)|(?<=[。！？])()' % PROT, re.S)
LIST_MARK = re.compile(r'\s*(?:\d+|[A-Za-z])')
NUMBER = re.compile(r'-?\d[\d,]*(?:\.\d+)?(?:/\d+)?')
IS_VALUE = re.compile(r'(?:answer is|answer:|答案是|答案为)[\s*:]*(?:is\s+)?(.+?)(?:\.\s|\n|$)', re.I)
FINAL = re.compile(r'final answer[\s*:]*(?:is\s+)?(.+?)(?:\.\s|\n|$)', re.I)
WORD = re.compile(r'[A-Za-z][A-Za-z0-9]+|[\u3000-\u9fff]')
LONG_WORD = re.compile(r'(?<!\\)\b[A-Za-z]{3,}')


def load_cues(path):
    kinds = {}
    for where, phrase, kind in CUE_RE.findall(open(path, encoding="utf-8").read()):
        kinds.setdefault((kind, where), []).append(re.escape(phrase))
    def alt(kind, where):
        return "|".join(sorted(kinds.get((kind, where), []), key=len, reverse=True))
    start = {k: re.compile(r'(?:%s)(?![A-Za-z0-9])' % alt(k, "START"), re.I)
             for k in {k for k, w in kinds if w == "START"}}
    anywhere = {k: re.compile(r'(?<![A-Za-z0-9])(?:%s)(?![A-Za-z0-9])' % alt(k, "ANY"), re.I)
                for k in {k for k, w in kinds if w == "ANY"}}
    filler = re.compile(r'(?:(?:%s)[, ]*){1,2}' % alt("FILLER", "START"), re.I)
    return start, anywhere, filler


def split(t):
    segs, start, para = [], 0, True
    def push(s, e, p):
        while s < e and t[s].isspace(): s += 1
        while e > s and t[e - 1].isspace(): e -= 1
        if s < e: segs.append((s, e, p))
    for m in SPLIT.finditer(t):
        if m.group(2) is not None:
            push(start, m.start(), para)
            para = "\n" in m.group(2)[1:] or (para and not segs)
            start = m.end()
        elif m.group(3) is not None or m.group(4) is not None:
            end = m.start()
            nxt = t[m.end():m.end() + 1]
            if (nxt and (nxt.islower() or nxt in "+-*/=^)]},;")) or \
                    LIST_MARK.fullmatch(t, start, end - 1) or \
                    (t[end - 1] == "!" and end >= 2 and t[end - 2] in "0123456789)"):
                continue
            push(start, end, para)
            para = para and not segs
            start = m.end()
    push(start, len(t), para)
    return segs


def boxed(t):
    i = max(t.rfind("\\boxed"), t.rfind("\\fbox"))
    while i >= 0:
        j = t.find("{", i)
        depth, k = 0, j
        while 0 <= k < len(t):
            if t[k] == "\\": k += 2; continue
            if t[k] == "{": depth += 1
            elif t[k] == "}":
                depth -= 1
                if depth == 0: return t[j + 1:k].strip()
            k += 1
        i = max(t.rfind("\\boxed", 0, i), t.rfind("\\fbox", 0, i))
    return None


def extract(t, explicit=False):
    b = boxed(t)
    if b is not None: return b
    for pat in ("<answer>", "####"):
        k = t.rfind(pat)
        if k >= 0: return t[k + len(pat):].split("</answer>")[0].split("\n")[0].strip()
    for rx in (FINAL, IS_VALUE):
        m = None
        for m in rx.finditer(t): pass
        if m: return m.group(1).strip(" $.")
    if explicit: return None
    m = None
    for m in NUMBER.finditer(t): pass
    return m.group(0) if m else None


def norm(s):
    s = s.strip().strip("$").replace("\\left", "").replace("\\right", "")
    s = s.replace("\\dfrac", "\\frac").replace(" ", "").replace(",", "")
    return s


def equal(a, b):
    a, b = norm(a), norm(b)
    if a == b: return True
    try: return abs(float(a) - float(b)) <= 1e-4 * max(abs(float(a)), abs(float(b)))
    except ValueError: return None


def claim(t, s, e, cues, ref):
    seg = t[s:e]
    v = extract(seg, explicit=True)
    if v is not None and not LONG_WORD.search(v): return v, True
    k = seg.rfind("=")
    if k < 0:
        k = max(seg.rfind(" is "), seg.rfind(" are "))
        if k < 0: return None, False
        k = seg.index(" ", k + 1)
    v = re.split(r", |; | and | which | so | but ", seg[k + 1:])[0].strip(" $.,;:!?")
    if not v or len(v) > 80 or LONG_WORD.search(v) or not re.search(r"[\d\\]", v):
        return None, False
    if "conclude" in cues: return v, True
    if "claim" in cues or ("=" in seg and ref and equal(v, ref)): return v, False
    return None, False


def analyse(t, question, answer, gold, start_cues, any_cues, filler):
    segs = split(t)
    ref = gold or (extract(answer) if answer else None) or extract(t, True)
    info = []
    for s, e, p in segs:
        head = t[s:e].lstrip(" \t*#->\"'(")
        f = filler.match(head)
        heads = [head] + ([head[f.end():]] if f else [])
        cues = {k.lower() for k, rx in start_cues.items() for h in heads if rx.match(h)}
        cues |= {k.lower() for k, rx in any_cues.items() if rx.search(t, s, e)}
        cues = {{"new_solution": "new"}.get(c, c) for c in cues}
        v, explicit = claim(t, s, e, cues, ref)
        info.append((cues, v, explicit))
    n = len(segs)
    concl = n
    for i in range(n - 1, -1, -1):
        if info[i][0] & {"new", "verify", "negate"}: break
        if "conclude" in info[i][0]: concl = i; break
    qwords = set(WORD.findall(question.lower())) if question else set()
    i = 0
    while i < concl:
        w = set(WORD.findall(t[segs[i][0]:segs[i][1]].lower()))
        overlap = len(w) >= 3 and len(w & qwords) >= 0.6 * len(w) and "=" not in t[segs[i][0]:segs[i][1]]
        if not ("restate" in info[i][0] or overlap): break
        i += 1
    while i < concl and info[i][1] is None and not re.search(r"[=\\]|\d\D+\d", t[segs[i][0]:segs[i][1]]):
        i += 1
    first = concl
    for k in range(i, concl):
        if info[k][1] is not None and ref and equal(info[k][1], ref): first = k + 1; break
    attempts = []
    for k in range(i, concl):
        if k == i or k == first or info[k][0] & ({"new"} if k < first else {"new", "verify"}):
            attempts.append([k, k])
        attempts[-1][1] = k
    labels = []
    for a, b in attempts:
        claims = [info[k] for k in range(a, b + 1) if info[k][1] is not None]
        ans = ([c for c in claims if c[2]] or claims or [(None, None, False)])[-1][1]
        labels.append((ans, equal(ans, ref) if ans and ref else None,
                       set(WORD.findall(t[segs[a][0]:segs[b][1]].lower()))))
    redundant = 0
    for k in range(1, len(labels)):
        for j in range(k):
            a, b = labels[k], labels[j]
            small = min(len(a[2]), len(b[2]))
            if a[0] and b[0] and small and len(a[2] & b[2]) / small >= 0.5 and equal(a[0], b[0]):
                redundant += 1
                break
    return n, len(attempts), (extract(answer) if answer else None) or extract(t)


def main():
    start_cues, any_cues, filler = load_cues(sys.argv[2])
    traces, limit, read = [], float(sys.argv[3]) * 1e6 if len(sys.argv) > 3 else 1e18, 0
    for line in open(sys.argv[1], encoding="utf-8"):
        read += len(line)
        if read > limit: break
        r = json.loads(line)
        out = r["messages"][-1]["content"]
        think, _, answer = out.partition("</think>")
        traces.append((think.replace("<think>", "", 1), r["messages"][0]["content"],
                       answer, r.get("answer")))
    t0 = time.thread_time()
    nbytes = segments = attempts = answers = 0
    for think, q, answer, gold in traces:
        n, a, ans = analyse(think, q, answer, gold, start_cues, any_cues, filler)
        segments += n; attempts += a; answers += ans is not None
        nbytes += len(think.encode()) + len(answer.encode())
    dt = time.thread_time() - t0
    print(json.dumps({"tool": "python-re", "threads": 1, "traces": len(traces),
                      "mb": round(nbytes / 1e6, 1), "seconds": round(dt, 3),
                      "mb_per_s": round(nbytes / 1e6 / dt, 2),
                      "mb_per_s_per_thread": round(nbytes / 1e6 / dt, 2),
                      "segments": segments, "attempts": attempts, "answers": answers}))


if __name__ == "__main__":
    main()

"""Usage: python3 bench/train-distill.py BUILDDIR [--steps N] [--problems N]
                   [--eval N] [--seed N] [-j N] [--arms LIST] [--keep DIR]

Does curating teacher traces help a student, as the distillation papers
say (DLCoT, arXiv 2503.16385: pruned traces keep accuracy with fewer
tokens; chain of thought beats answers alone at small scale)? Measured
here, on a laptop, with nothing but whittle:

1. A synthetic task where chain of thought matters at tiny scale: the sum
   of three two-digit numbers. A teacher writes long traces with the habits
   of real ones: restating the problem, sometimes a wrong first attempt
   and a "Wait", a check, sometimes a redundant re-verification, then a
   conclusion with \\boxed{}.
2. Students, each trained from scratch by `whittle train` with the same
   shape, steps, batch and sequence length (the same compute), on:
     teacher  the raw teacher traces
     dlcot    the same traces after whittle's shipped DLCoT pipeline
              (lua/whittle/pipelines/dlcot.lua: verify, segment,
              prune-redundant, drop-incorrect) run by `whittle run`
     steps    only the two additions and the answer (the shortest correct
              chain: what perfect pruning would leave)
     answer   the answer alone, no chain of thought
3. Each is graded by `whittle eval` on held-out problems (none seen in
   training): accuracy (greedy), tokens generated per question and per
   correct answer. A table is printed, whatever the outcome; the one
   measured on this project's machine is in whittle-train(7).

Runs on one thread by default (-j 1): on a shared 2-core machine OpenMP's
second thread costs more than it gives for a model this small."""
import argparse, json, os, random, shutil, subprocess, sys, tempfile, time

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def columns(a, b, c):
    """The column sums of a + b + c: (units, tens line) texts and the sum."""
    u = a % 10 + b % 10 + c % 10
    carry, ud = divmod(u, 10)
    t = carry + a // 10 + b // 10 + c // 10
    units = f"units {a % 10}+{b % 10}+{c % 10}={u}, write {ud} carry {carry}."
    tens = f"tens {carry}+{a // 10}+{b // 10}+{c // 10}={t}, write {t}."
    return units, tens, a + b + c


def steps_trace(a, b, c):
    """The shortest correct chain: the two column sums and the answer."""
    units, tens, s = columns(a, b, c)
    return f"{units} {tens} \\boxed{{{s}}}"


def teacher_trace(rng, a, b, c):
    """Thinking and answer with a teacher's habits, varying by trace."""
    units, tens, s = columns(a, b, c)
    u = a % 10 + b % 10 + c % 10
    t = [f"We need the sum of {a}, {b} and {c}. Let me restate: {a}+{b}+{c}. "
         f"I will add column by column."]
    if rng.random() < 0.5:
        t.append(f"units {a % 10}+{b % 10}+{c % 10}={u + rng.choice([-2, -1, 1, 2])}. "
                 f"Wait, that is wrong.")
    t.append(f"{units} {tens} So the sum is {s}.")
    if rng.random() < 0.7:
        t.append(f"Wait, let me double-check: {s}-{c}={a + b}, and {a}+{b}={a + b}. "
                 f"So the sum is {s}.")
    return " ".join(t), f"So the answer is \\boxed{{{s}}}"


def make_task(d, n_train, n_eval, seed):
    rng = random.Random(seed)
    seen, train, held = set(), [], []
    while len(train) < n_train:
        p = tuple(rng.randint(10, 99) for _ in range(3))
        if p not in seen:
            seen.add(p)
            train.append(p)
    while len(held) < n_eval:
        p = tuple(rng.randint(10, 99) for _ in range(3))
        if p not in seen:
            seen.add(p)
            held.append(p)
    with open(f"{d}/teacher-traces.jsonl", "w") as f:
        for a, b, c in train:
            think, ans = teacher_trace(rng, a, b, c)
            f.write(json.dumps({"question": f"{a}+{b}+{c}", "thinking": think,
                                "answer": ans, "gold": str(a + b + c)}) + "\n")
    with open(f"{d}/held-out.jsonl", "w") as f:
        for a, b, c in held:
            f.write(json.dumps({"question": f"{a}+{b}+{c}", "thinking": "", "answer": "",
                                "gold": str(a + b + c)}) + "\n")
    return train


def write_sft(path, rows):
    """rows: (question, completion); the prompt is how whittle eval asks."""
    with open(path, "w") as f:
        for q, c in rows:
            f.write(json.dumps({"prompt": q + "\n\n", "completion": c}) + "\n")


def run(cmd, **kw):
    r = subprocess.run(cmd, capture_output=True, text=True, **kw)
    if r.returncode != 0:
        sys.exit(f"{' '.join(cmd)}: exit {r.returncode}\n{r.stderr}")
    return r.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("build")
    ap.add_argument("--steps", type=int, default=800)
    ap.add_argument("--problems", type=int, default=4000)
    ap.add_argument("--eval", type=int, default=200)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("-j", type=int, default=1)
    ap.add_argument("--arms", default="teacher,dlcot,steps,answer")
    ap.add_argument("--keep", help="keep the work in this folder")
    a = ap.parse_args()
    whittle = os.path.join(a.build, "whittle")
    d = a.keep or tempfile.mkdtemp(prefix="whittle-distill-")
    os.makedirs(d, exist_ok=True)

    make_task(d, a.problems, a.eval, a.seed)
    teacher = [json.loads(l) for l in open(f"{d}/teacher-traces.jsonl")]
    run([whittle, "run", os.path.join(ROOT, "lua/whittle/pipelines/dlcot.lua"),
         f"{d}/teacher-traces.jsonl", "-o", f"{d}/dlcot.jsonl"])
    dlcot = [json.loads(l) for l in open(f"{d}/dlcot.jsonl")]
    if not dlcot:
        sys.exit("the DLCoT pipeline kept no trace")
    arms = {
        "teacher": [(t["question"], t["thinking"] + "\n" + t["answer"]) for t in teacher],
        "dlcot": [(t["question"], t["thinking"] + "\n" + t["answer"]) for t in dlcot],
        "steps": [],
        "answer": [(t["question"], "\\boxed{%s}" % t["gold"]) for t in teacher],
    }
    for t in teacher:
        arms["steps"].append((t["question"], steps_trace(*map(int, t["question"].split("+")))))
    arms = {k: v for k, v in arms.items() if k in a.arms.split(",")}

    seq = 320
    longest = max(len(q) + len(c) + 3 for rows in arms.values() for q, c in rows)
    assert longest <= seq, f"a trace of {longest} bytes does not fit {seq} positions"
    shape = ["--layers", "2", "--hidden", "64", "--heads", "4", "--kv-heads", "2",
             "--intermediate", "176"]
    train_opts = ["--steps", str(a.steps), "--batch", "8", "--seq", str(seq), "--lr", "3e-3",
                  "--warmup", "30", "--val-frac", "0", "--seed", str(a.seed),
                  "-j", str(a.j), "--quiet"]
    results = []
    for name, rows in arms.items():
        write_sft(f"{d}/{name}.sft.jsonl", rows)
        mean_bytes = sum(len(c) for _, c in rows) / len(rows)
        t0 = time.time()
        run([whittle, "train", f"{d}/{name}.sft.jsonl", "--out", f"{d}/{name}"] + shape
            + train_opts)
        train_s = time.time() - t0
        t0 = time.time()
        r = json.loads(run([whittle, "eval", f"{d}/{name}/checkpoint-{a.steps}",
                            f"{d}/held-out.jsonl", "--json", "-j", str(a.j),
                            "--max-new", str(seq - 16),
                            "--predictions", f"{d}/{name}.predictions.jsonl"]))
        results.append(dict(arm=name, records=len(rows), trace_bytes=mean_bytes,
                            train_s=train_s, eval_s=time.time() - t0, **r))
        print(f"# {name}: trained in {train_s:.0f} s", file=sys.stderr)

    print(f"sum of three two-digit numbers; {a.problems} teacher traces, {a.eval} held-out "
          f"problems; student 2x64 Llama, byte vocabulary, {a.steps} steps of 8x{seq}, "
          f"seed {a.seed}, -j {a.j}")
    print(f"{'arm':8} {'records':>7} {'trace bytes':>11} {'accuracy':>8} "
          f"{'tokens/q':>8} {'tokens/correct':>14} {'train s':>7}")
    for r in results:
        print(f"{r['arm']:8} {r['records']:7d} {r['trace_bytes']:11.1f} {r['accuracy']:8.3f} "
              f"{r['tokens_per_question']:8.1f} {r['tokens_per_correct']:14.1f} "
              f"{r['train_s']:7.0f}")
    print(json.dumps(results))
    if not a.keep:
        shutil.rmtree(d)


if __name__ == "__main__":
    main()

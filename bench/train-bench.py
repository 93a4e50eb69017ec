"""Usage: /usr/bin/python3 bench/train-bench.py BUILDDIR [SIZE...]

Training tokens/s of whittle and of PyTorch on the CPU for the same model,
batch and sequence length, in the same run, and the ratio. SIZE is 1m
(default), 10m or 30m. PyTorch (Debian python3-torch) trains the same Llama
shape, written from the transformers definitions in
tests/train/make_torch_fixtures.py, with AdamW, loss at every position, as
whittle does with these data. Each side runs 1 and 2 threads (PyTorch:
torch.set_num_threads and OMP_NUM_THREADS, OPENBLAS_NUM_THREADS; whittle: -j)
and the best of the two is compared.

Statistic, the same for both: the median time of a step, the first (warm-up)
step left out; tokens/s = B*T / that median, the best of ROUNDS runs that
alternate between the two (the machine is shared: alternating spreads the
other load over both). whittle's step times are the gaps between the
timestamps of its loss metric, one per step.

MFU = model FLOP/s over the machine's fp32 peak. Model FLOPs per token
trained = 6 * (weights of every matrix product, the output layer included)
+ 6 * layers * q_dim * (T+1) (QK^T and PV, causal: (T+1)/2 keys on
average, 2 FLOPs each, forward and twice that backward). Peak = cores x
cpu MHz (from /proc/cpuinfo) x FLOPs per cycle and core: 64 with AVX-512
(two 512-bit FMA units x 16 lanes x 2), 32 with AVX2+FMA, else 16.

Every measurement runs twice: with OPENBLAS_CORETYPE unset (OpenBLAS picks
its kernels for the CPU) and as this machine's environment sets it (or
Haswell where it is unset). The bench changes that variable for its own
commands only. Load (from /proc/loadavg) is printed before and after."""
import json, os, statistics, subprocess, sys, tempfile

SIZES = {  # layers, hidden, heads, kv heads, intermediate, vocab, batch, seq, steps
    "1m": (4, 128, 4, 2, 344, 257, 16, 128, 8),
    "10m": (6, 384, 6, 2, 1024, 8192, 4, 256, 4),
    "30m": (8, 512, 8, 4, 1536, 8192, 8, 256, 3),
}
ROUNDS = 2
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "train"))

def config(s):
    L, C, H, KV, F, V, B, T, steps = SIZES[s]
    return dict(vocab_size=V, hidden_size=C, intermediate_size=F, num_hidden_layers=L,
                num_attention_heads=H, num_key_value_heads=KV, head_dim=C // H,
                rope_theta=10000.0, rms_norm_eps=1e-6, model_type="llama",
                tie_word_embeddings=True), B, T, steps

def model_flops(c, T):
    """Training FLOPs per token (see the module's comment) and the weights."""
    L, C, F, V = c["num_hidden_layers"], c["hidden_size"], c["intermediate_size"], c["vocab_size"]
    QD, KD = c["num_attention_heads"] * c["head_dim"], c["num_key_value_heads"] * c["head_dim"]
    matmul = L * (2 * C * QD + 2 * C * KD + 3 * C * F) + C * V
    return 6 * matmul + 6 * L * QD * (T + 1)

def peak():
    """fp32 FLOP/s of all cores, and how it was computed."""
    info = open("/proc/cpuinfo").read()
    mhz = float(next(l.split(":")[1] for l in info.splitlines() if l.startswith("cpu MHz")))
    flags = next(l for l in info.splitlines() if l.startswith("flags")).split()
    per = 64 if "avx512f" in flags else 32 if "avx2" in flags and "fma" in flags else 16
    cores = os.cpu_count()
    return cores * mhz * 1e6 * per, "%d cores x %.0f MHz x %d FLOP/cycle" % (cores, mhz, per)

def load():
    return " ".join(open("/proc/loadavg").read().split()[:3])

def torch_steps(size, threads):
    """In a child process: PyTorch's step times, as JSON on stdout."""
    import time, torch
    from make_torch_fixtures import forward, params
    torch.set_num_threads(threads)
    c, B, T, steps = config(size)
    p = params(c, torch.Generator().manual_seed(1))
    opt = torch.optim.AdamW(p.values(), lr=1e-3)
    ids = torch.randint(0, c["vocab_size"], (B, T + 1), generator=torch.Generator().manual_seed(2))
    pos = torch.arange(T).expand(B, T)
    times = []
    for i in range(steps + 1):
        t0 = time.perf_counter()
        logits = forward(c, p, ids[:, :-1], pos)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, c["vocab_size"]),
                                                 ids[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        times.append(time.perf_counter() - t0)
    print(json.dumps({"times": times[1:], "version": torch.__version__}))

def env_for(threads, coretype):
    e = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads))
    e.pop("OPENBLAS_CORETYPE", None)
    if coretype:
        e["OPENBLAS_CORETYPE"] = coretype
    return e

def torch_tps(size, threads, coretype):
    B, T = SIZES[size][6:8]
    out = subprocess.run([sys.executable, os.path.abspath(__file__), "--torch", size, str(threads)],
                         env=env_for(threads, coretype), check=True, capture_output=True, text=True)
    r = json.loads(out.stdout)
    return B * T / statistics.median(r["times"]), r["version"]

def prepare(size, tmp):
    """Random documents of T+1 ids and PyTorch's initial weights, for whittle."""
    import torch
    from make_torch_fixtures import params, write_safetensors
    c, B, T, steps = config(size)
    data = os.path.join(tmp, "data.jsonl")
    g = torch.Generator().manual_seed(2)
    with open(data, "w") as f:
        for _ in range(B * (steps + 2)):
            f.write(json.dumps({"ids": torch.randint(0, c["vocab_size"], (T + 1,), generator=g).tolist()}) + "\n")
    init = os.path.join(tmp, "init")
    os.makedirs(init, exist_ok=True)
    with open(os.path.join(init, "config.json"), "w") as f:
        json.dump(dict(c, architectures=["LlamaForCausalLM"], hidden_act="silu",
                       max_position_embeddings=T), f)
    write_safetensors(os.path.join(init, "model.safetensors"),
                      {n: t.detach() for n, t in params(c, torch.Generator().manual_seed(1)).items()})
    n = sum(t.numel() for t in params(c, torch.Generator().manual_seed(1)).values())
    return data, init, n

def whittle_tps(build, size, threads, coretype, data, init, tmp):
    c, B, T, steps = config(size)
    out = os.path.join(tmp, "run")
    subprocess.run(["rm", "-rf", out], check=True)
    subprocess.run([os.path.join(build, "whittle"), "train", data, "--out", out, "--init", init,
                    "--steps", str(steps + 1), "--batch", str(B), "--seq", str(T), "--val-frac", "0",
                    "-j", str(threads), "--quiet"], env=env_for(threads, coretype), check=True)
    t = [p["time"] for p in map(json.loads, open(os.path.join(out, "metrics.jsonl")))
         if p["name"] == "loss"]
    return B * T / statistics.median(b - a for a, b in zip(t, t[1:]))

def main():
    if sys.argv[1:2] == ["--torch"]:
        return torch_steps(sys.argv[2], int(sys.argv[3]))
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    top, how = peak()
    here = os.environ.get("OPENBLAS_CORETYPE") or "Haswell"
    print("peak fp32: %.1f GFLOP/s (%s); load before: %s" % (top / 1e9, how, load()))
    for size in sys.argv[2:] or ["1m"]:
        c, B, T, steps = config(size)
        tmp = tempfile.mkdtemp(prefix="whittle-bench.")
        data, init, n = prepare(size, tmp)
        flops = model_flops(c, T)
        for coretype in (None, here):
            pt, wh = {1: (0, ""), 2: (0, "")}, {1: 0, 2: 0}
            for _ in range(ROUNDS):
                for k in (1, 2):
                    pt[k] = max(pt[k], torch_tps(size, k, coretype))
                    wh[k] = max(wh[k], whittle_tps(build, size, k, coretype, data, init, tmp))
            best_wh, best_pt = max(wh.values()), max(v for v, _ in pt.values())
            print("%s (%.1fM params, B%d T%d, %.1f MFLOP/token), OPENBLAS_CORETYPE %s: "
                  "whittle %.0f tok/s (1 thread) %.0f (2), MFU %.1f%%; "
                  "PyTorch %s %.0f (1) %.0f (2), MFU %.1f%%; whittle/PyTorch %.2fx"
                  % (size, n / 1e6, B, T, flops / 1e6, coretype or "unset", wh[1], wh[2],
                     100 * best_wh * flops / top, pt[1][1], pt[1][0], pt[2][0],
                     100 * best_pt * flops / top, best_wh / best_pt), flush=True)
        subprocess.run(["rm", "-rf", tmp], check=True)
    print("load after: %s" % load())

main()

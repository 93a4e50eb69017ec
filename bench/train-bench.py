"""Usage: /usr/bin/python3 bench/train-bench.py BUILDDIR [SIZE...]

Training tokens/s of whittle and of PyTorch on the CPU for the same model,
batch and sequence length, in the same run. SIZE is 1m (default), 10m or 30m.
PyTorch (Debian python3-torch) trains the same Llama shape, written from the
transformers definitions in tests/train/make_torch_fixtures.py, with AdamW;
its best of 1 and 2 threads is reported. whittle's figure is the
tokens_per_second of its last step's metric (all positions, padding too)."""
import json, os, subprocess, sys, tempfile, time
import torch

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "train"))
from make_torch_fixtures import forward, params

SIZES = {  # layers, hidden, heads, kv heads, intermediate, vocab, batch, seq, steps
    "1m": (4, 128, 4, 2, 344, 257, 16, 128, 8),
    "10m": (6, 384, 6, 2, 1024, 8192, 4, 256, 3),
    "30m": (8, 512, 8, 4, 1536, 8192, 8, 256, 2),
}

def config(s):
    L, C, H, KV, F, V, B, T, steps = SIZES[s]
    return dict(vocab_size=V, hidden_size=C, intermediate_size=F, num_hidden_layers=L,
                num_attention_heads=H, num_key_value_heads=KV, head_dim=C // H,
                rope_theta=10000.0, rms_norm_eps=1e-6, model_type="llama",
                tie_word_embeddings=True), B, T, steps

def torch_tps(c, B, T, steps, threads):
    torch.set_num_threads(threads)
    p = params(c, torch.Generator().manual_seed(1))
    opt = torch.optim.AdamW(p.values(), lr=1e-3)
    ids = torch.randint(0, c["vocab_size"], (B, T + 1))
    pos = torch.arange(T).expand(B, T)
    best = 0
    for i in range(steps + 1):
        t0 = time.time()
        logits = forward(c, p, ids[:, :-1], pos)
        loss = torch.nn.functional.cross_entropy(logits.reshape(-1, c["vocab_size"]),
                                                 ids[:, 1:].reshape(-1))
        opt.zero_grad()
        loss.backward()
        opt.step()
        if i:  # the first step warms up
            best = max(best, B * T / (time.time() - t0))
    return best

def whittle_tps(build, c, B, T, steps, threads, tmp):
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
    from make_torch_fixtures import write_safetensors
    write_safetensors(os.path.join(init, "model.safetensors"),
                      {n: t.detach() for n, t in params(c, torch.Generator().manual_seed(1)).items()})
    out = os.path.join(tmp, "run%d" % threads)
    subprocess.run([os.path.join(build, "whittle"), "train", data, "--out", out, "--init", init,
                    "--steps", str(steps + 1), "--batch", str(B), "--seq", str(T), "--val-frac", "0",
                    "-j", str(threads), "--quiet"], check=True)
    pts = [json.loads(l) for l in open(os.path.join(out, "metrics.jsonl"))]
    t = [p["time"] for p in pts if p["name"] == "loss"]
    tok = [p["tokens"] for p in pts if p["name"] == "loss"]
    return (tok[-1] - tok[0]) / (t[-1] - t[0])  # steps after the first

build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
for s in sys.argv[2:] or ["1m"]:
    c, B, T, steps = config(s)
    n = sum(t.numel() for t in params(c, torch.Generator().manual_seed(1)).values())
    tmp = tempfile.mkdtemp(prefix="whittle-bench.")
    pt = {k: torch_tps(c, B, T, steps, k) for k in (1, 2)}
    wh = {k: whittle_tps(build, c, B, T, steps, k, tmp) for k in (1, 2)}
    print("%s (%.2fM params, B%d T%d): whittle %.0f tok/s (1 thread) %.0f (2 threads); "
          "PyTorch %s %.0f (1 thread) %.0f (2 threads); ratio best/best %.2f"
          % (s, n / 1e6, B, T, wh[1], wh[2], torch.__version__, pt[1], pt[2],
             max(wh.values()) / max(pt.values())))

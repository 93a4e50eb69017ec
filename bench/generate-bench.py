"""Usage: /usr/bin/python3 bench/generate-bench.py BUILDDIR [SIZE...]

Greedy generation with a KV cache, whittle against PyTorch on the CPU, for
the same model and prompt, in the same run: tokens/s, peak memory and the
ratios. SIZE is 1m (default), 10m or 30m: the shapes of train-bench.py with
the byte vocabulary (257 ids), so `whittle generate` needs no tokenizer.

The weights (seeded, written as model.safetensors and config.json) are
loaded by both: whittle generate reads the folder; PyTorch (Debian
python3-torch, no transformers) reads the safetensors by hand and runs the
Llama forward of tests/train/make_torch_fixtures.py one position at a time
with cached keys and values. Both pass the prompt once, then generate NEW
tokens one at a time; tokens/s = NEW / the time of that (whittle: the rate
`whittle generate` reports, timed around its generation; PyTorch: timed
the same way in its process), best of 1 and 2 threads each. Peak memory is
the process's maximum resident set (/usr/bin/time's %M), the interpreter
and libraries included, as a user would run each. The two greedy outputs
are compared: they should agree (fp32, different summation orders may
break a near tie).

OPENBLAS_CORETYPE is left as the environment has it (the products here are
matrix-vector ones, bound by memory)."""
import json, os, struct, subprocess, sys, tempfile, time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tests", "train"))
SIZES = {  # layers, hidden, heads, kv heads, intermediate
    "1m": (4, 128, 4, 2, 344),
    "10m": (6, 384, 6, 2, 1024),
    "30m": (8, 512, 8, 4, 1536),
}
PROMPT = "Question: what is 17 times 24? Think step by step.\n"
NEW = 400

def config(size):
    L, C, H, KV, F = SIZES[size]
    return dict(vocab_size=257, hidden_size=C, intermediate_size=F, num_hidden_layers=L,
                num_attention_heads=H, num_key_value_heads=KV, head_dim=C // H,
                rope_theta=10000.0, rms_norm_eps=1e-6, model_type="llama",
                tie_word_embeddings=True, architectures=["LlamaForCausalLM"],
                hidden_act="silu", max_position_embeddings=512)

def read_safetensors(path):
    import torch
    raw = open(path, "rb").read()
    n = struct.unpack("<Q", raw[:8])[0]
    head = json.loads(raw[8:8 + n])
    out = {}
    for name, t in head.items():
        if name == "__metadata__":
            continue
        a, b = t["data_offsets"]
        out[name] = torch.frombuffer(bytearray(raw[8 + n + a:8 + n + b]),
                                     dtype=torch.float32).reshape(t["shape"])
    return out

def torch_generate(folder, threads):
    """In a child process: greedy ids and tokens/s, as JSON on stdout."""
    import math, torch
    from make_torch_fixtures import rms, rotate_half
    torch.set_num_threads(threads)
    c = json.load(open(os.path.join(folder, "config.json")))
    p = read_safetensors(os.path.join(folder, "model.safetensors"))
    L, H, KV, D = (c["num_hidden_layers"], c["num_attention_heads"],
                   c["num_key_value_heads"], c["head_dim"])
    eps, g = c["rms_norm_eps"], H // KV
    w = lambda l, n: p["model.layers.%d.%s" % (l, n)]
    inv = 1.0 / (c["rope_theta"] ** (torch.arange(0, D, 2, dtype=torch.float32) / D))
    head = p.get("lm_head.weight", p["model.embed_tokens.weight"])
    cache = [[None, None] for _ in range(L)]

    def extend(ids, start):
        """Logits of the last of ids, placed at positions start...; fills the cache."""
        t = len(ids)
        ang = torch.arange(start, start + t, dtype=torch.float32)[:, None] * inv
        emb = torch.cat((ang, ang), -1)
        cos, sin = emb.cos(), emb.sin()
        x = p["model.embed_tokens.weight"][torch.tensor(ids)]
        for l in range(L):
            h = rms(x, w(l, "input_layernorm.weight"), eps)
            q = (h @ w(l, "self_attn.q_proj.weight").T).view(t, H, D).transpose(0, 1)
            k = (h @ w(l, "self_attn.k_proj.weight").T).view(t, KV, D).transpose(0, 1)
            v = (h @ w(l, "self_attn.v_proj.weight").T).view(t, KV, D).transpose(0, 1)
            q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
            if cache[l][0] is not None:
                k, v = torch.cat((cache[l][0], k), 1), torch.cat((cache[l][1], v), 1)
            cache[l] = [k, v]
            s = q @ k.repeat_interleave(g, 0).transpose(-1, -2) / math.sqrt(D)
            if t > 1:
                s = s.masked_fill(torch.ones(t, start + t).tril(start) == 0, float("-inf"))
            y = (s.softmax(-1) @ v.repeat_interleave(g, 0)).transpose(0, 1).reshape(t, H * D)
            x = x + y @ w(l, "self_attn.o_proj.weight").T
            h = rms(x, w(l, "post_attention_layernorm.weight"), eps)
            x = x + (torch.nn.functional.silu(h @ w(l, "mlp.gate_proj.weight").T)
                     * (h @ w(l, "mlp.up_proj.weight").T)) @ w(l, "mlp.down_proj.weight").T
        return rms(x[-1], p["model.norm.weight"], eps) @ head.T

    prompt = list(PROMPT.encode())
    with torch.no_grad():
        t0 = time.perf_counter()
        out = [int(extend(prompt, 0).argmax())]
        while len(out) < NEW:
            out.append(int(extend(out[-1:], len(prompt) + len(out) - 1).argmax()))
        seconds = time.perf_counter() - t0
    print(json.dumps({"ids": out, "tps": NEW / seconds, "version": torch.__version__}))

def timed(cmd, threads):
    """Run cmd; its stdout, stderr and peak RSS in MiB."""
    env = dict(os.environ, OMP_NUM_THREADS=str(threads), OPENBLAS_NUM_THREADS=str(threads))
    with tempfile.NamedTemporaryFile("r") as f:
        r = subprocess.run(["/usr/bin/time", "-f", "%M", "-o", f.name] + cmd, env=env,
                           check=True, capture_output=True)
        return r.stdout, r.stderr.decode(), int(f.read().split()[-1]) / 1024

def main():
    if sys.argv[1:2] == ["--torch"]:
        return torch_generate(sys.argv[2], int(sys.argv[3]))
    import torch
    from make_torch_fixtures import params, write_safetensors
    build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
    print("load before: %s" % " ".join(open("/proc/loadavg").read().split()[:3]))
    for size in sys.argv[2:] or ["1m"]:
        c = config(size)
        folder = tempfile.mkdtemp(prefix="whittle-genbench.")
        with open(os.path.join(folder, "config.json"), "w") as f:
            json.dump(c, f)
        ps = params(c, torch.Generator().manual_seed(1))
        write_safetensors(os.path.join(folder, "model.safetensors"),
                          {n: t.detach() for n, t in ps.items()})
        nparams = sum(t.numel() for t in ps.values())
        wh, pt = {}, {}
        for k in (1, 2):
            text, err, mib = timed([os.path.join(build, "whittle"), "generate", folder, PROMPT,
                                    "--max-new", str(NEW), "-j", str(k)], k)
            wh[k] = (float(err.split(",")[-1].split()[0]), mib, text)
            out, _, mib = timed([sys.executable, os.path.abspath(__file__), "--torch", folder,
                                 str(k)], k)
            r = json.loads(out)
            pt[k] = (r["tps"], mib, bytes(i for i in r["ids"] if i < 256), r["version"])
        bw, bp = max(wh.values()), max(pt.values())
        same = wh[1][2] == pt[1][2]
        print("%s (%.1fM params, prompt %d bytes, %d new tokens): whittle %.0f tok/s "
              "(1 thread) %.0f (2), peak %.0f MiB; PyTorch %s %.0f (1) %.0f (2), peak %.0f MiB; "
              "whittle/PyTorch speed %.2fx, memory %.2fx; same tokens: %s"
              % (size, nparams / 1e6, len(PROMPT), NEW, wh[1][0], wh[2][0],
                 max(v[1] for v in wh.values()), pt[1][3], pt[1][0], pt[2][0],
                 max(v[1] for v in pt.values()), bw[0] / bp[0],
                 max(v[1] for v in wh.values()) / max(v[1] for v in pt.values()),
                 "yes" if same else "no"), flush=True)
        subprocess.run(["rm", "-rf", folder], check=True)
    print("load after: %s" % " ".join(open("/proc/loadavg").read().split()[:3]))

main()

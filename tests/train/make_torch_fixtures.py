"""Usage: /usr/bin/python3 make_torch_fixtures.py OUTDIR

Write small Llama/Qwen2 checkpoints of shapes the Hugging Face fixtures do not
cover (head_dim apart from hidden/heads, one KV head, longer rows, packed
documents) and their reference logits, loss and gradients, computed by a
plain PyTorch model written from the transformers definitions (PyTorch only:
Debian python3-torch; no transformers, no safetensors module needed)."""
import json, math, os, struct, sys
import torch

def write_safetensors(path, tensors):
    header, blobs, off = {"__metadata__": {"format": "pt"}}, [], 0
    for name in sorted(tensors):
        t = tensors[name].contiguous()
        dt = {torch.float32: "F32", torch.int32: "I32"}[t.dtype]
        b = t.numpy().tobytes()
        header[name] = {"dtype": dt, "shape": list(t.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))

def rms(x, w, eps):
    return w * (x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps))

def rotate_half(x):
    h = x.shape[-1] // 2
    return torch.cat((-x[..., h:], x[..., :h]), -1)

def forward(c, p, ids, pos):
    """Logits [B,T,V]; pos [B,T] positions within packed documents."""
    B, T = ids.shape
    H, KV, D = c["num_attention_heads"], c["num_key_value_heads"], c["head_dim"]
    inv = 1.0 / (c["rope_theta"] ** (torch.arange(0, D, 2, dtype=torch.float32) / D))
    ang = pos[..., None].float() * inv
    emb = torch.cat((ang, ang), -1)
    cos, sin = emb.cos()[:, None], emb.sin()[:, None]
    start = torch.arange(T)[None, :] - pos                    # document start of each position
    j = torch.arange(T)
    allowed = (j[None, None, :] <= j[None, :, None]) & (j[None, None, :] >= start[:, :, None])
    x = p["model.embed_tokens.weight"][ids]
    for l in range(c["num_hidden_layers"]):
        q_ = lambda n: p["model.layers.%d.%s" % (l, n)]
        h = rms(x, q_("input_layernorm.weight"), c["rms_norm_eps"])
        def proj(n, heads):
            y = h @ q_("self_attn.%s_proj.weight" % n).T
            if c["model_type"] == "qwen2":
                y = y + q_("self_attn.%s_proj.bias" % n)
            return y.view(B, T, heads, D).transpose(1, 2)
        q, k, v = proj("q", H), proj("k", KV), proj("v", KV)
        q, k = q * cos + rotate_half(q) * sin, k * cos + rotate_half(k) * sin
        k, v = k.repeat_interleave(H // KV, 1), v.repeat_interleave(H // KV, 1)
        s = (q @ k.transpose(-1, -2)) / math.sqrt(D)
        s = s.masked_fill(~allowed[:, None], float("-inf"))
        y = (s.softmax(-1) @ v).transpose(1, 2).reshape(B, T, H * D)
        x = x + y @ q_("self_attn.o_proj.weight").T
        h = rms(x, q_("post_attention_layernorm.weight"), c["rms_norm_eps"])
        g = torch.nn.functional.silu(h @ q_("mlp.gate_proj.weight").T) * (h @ q_("mlp.up_proj.weight").T)
        x = x + g @ q_("mlp.down_proj.weight").T
    x = rms(x, p["model.norm.weight"], c["rms_norm_eps"])
    head = p["model.embed_tokens.weight"] if c["tie_word_embeddings"] else p["lm_head.weight"]
    return x @ head.T

def params(c, gen):
    V, C, F = c["vocab_size"], c["hidden_size"], c["intermediate_size"]
    QD, KD = c["num_attention_heads"] * c["head_dim"], c["num_key_value_heads"] * c["head_dim"]
    shapes = {"model.embed_tokens.weight": (V, C), "model.norm.weight": (C,)}
    if not c["tie_word_embeddings"]:
        shapes["lm_head.weight"] = (V, C)
    for l in range(c["num_hidden_layers"]):
        for n, s in [("input_layernorm.weight", (C,)), ("post_attention_layernorm.weight", (C,)),
                     ("self_attn.q_proj.weight", (QD, C)), ("self_attn.k_proj.weight", (KD, C)),
                     ("self_attn.v_proj.weight", (KD, C)), ("self_attn.o_proj.weight", (C, QD)),
                     ("mlp.gate_proj.weight", (F, C)), ("mlp.up_proj.weight", (F, C)),
                     ("mlp.down_proj.weight", (C, F))]:
            shapes["model.layers.%d.%s" % (l, n)] = s
        if c["model_type"] == "qwen2":
            for n, s in [("q", QD), ("k", KD), ("v", KD)]:
                shapes["model.layers.%d.self_attn.%s_proj.bias" % (l, n)] = (s,)
    p = {}
    for n, s in shapes.items():
        base = 1.0 if "norm" in n else 0.0
        p[n] = (base + 0.2 * torch.randn(s, generator=gen)).requires_grad_()
    return p

def make(out, name, c, T, docs):
    gen = torch.Generator().manual_seed(11)
    d = os.path.join(out, name)
    os.makedirs(d, exist_ok=True)
    arch = "Qwen2ForCausalLM" if c["model_type"] == "qwen2" else "LlamaForCausalLM"
    with open(os.path.join(d, "config.json"), "w") as f:
        json.dump(dict(c, architectures=[arch], hidden_act="silu"), f, indent=1)
    p = params(c, gen)
    write_safetensors(os.path.join(d, "model.safetensors"), {n: t.detach() for n, t in p.items()})
    ids = torch.randint(0, c["vocab_size"], (2, T), generator=gen)
    pos = torch.stack([torch.cat([torch.arange(n) for n in row]) for row in docs])
    labels = torch.randint(0, c["vocab_size"], (2, T), generator=gen)
    labels[0, : T // 4] = -100
    labels[1, T // 2 : T // 2 + 3] = -100
    logits = forward(c, p, ids, pos)
    loss = torch.nn.functional.cross_entropy(logits.view(-1, c["vocab_size"]), labels.view(-1),
                                             ignore_index=-100)
    loss.backward()
    ref = {"input_ids": ids.to(torch.int32), "labels": labels.to(torch.int32),
           "position_ids": pos.to(torch.int32), "logits": logits.detach(),
           "loss": loss.detach().reshape(1)}
    for n, t in p.items():
        ref["grad." + n] = t.grad
    write_safetensors(os.path.join(d, "reference.safetensors"), ref)
    print(name, "loss", float(loss))

if __name__ == "__main__":
    torch.manual_seed(0)
    out = sys.argv[1] if len(sys.argv) > 1 else "."
    base = dict(vocab_size=37, hidden_size=24, intermediate_size=40, num_hidden_layers=2,
                max_position_embeddings=64, rope_theta=500.0, rms_norm_eps=1e-5)
    # labels here are per position (already the next token), so loss needs no shift
    make(out, "torch-llama-gqa", dict(base, model_type="llama", num_attention_heads=6,
         num_key_value_heads=1, head_dim=6, tie_word_embeddings=False), 40, [[40], [13, 20, 7]])
    make(out, "torch-qwen2-tied", dict(base, model_type="qwen2", num_attention_heads=3,
         num_key_value_heads=3, head_dim=10, tie_word_embeddings=True), 32, [[5, 27], [32]])

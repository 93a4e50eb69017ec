"""Usage: python3 bench/train-hf-check.py BUILDDIR

Check that checkpoints whittle writes load in Hugging Face transformers and
compute what whittle computes. whittle trains three tiny students (Llama tied,
Llama untied, Qwen2); each checkpoint is loaded with
AutoModelForCausalLM.from_pretrained, and transformers' logits, loss,
per-parameter gradients and greedy tokens on a fixed batch are written beside
it as reference.safetensors; BUILDDIR/tests/test-model then compares whittle
with them (1e-4 relative, the bar of the shared fixtures). Needs transformers
(5.x), PyTorch and safetensors; exits 77 (skipped) without them. CPU is enough:
the check runs in seconds."""
import os, subprocess, sys, tempfile

try:
    import torch
    from safetensors.torch import save_file
    from transformers import AutoModelForCausalLM
    import transformers
except ImportError as e:
    print("SKIP: %s (needs transformers, torch and safetensors)" % e)
    sys.exit(77)

build = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else ".")
src = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
tmp = tempfile.mkdtemp(prefix="whittle-hf-check.")
data = os.path.join(tmp, "data.jsonl")
with open(data, "w") as f:
    for i in range(40):
        f.write('{"prompt": "%d*%d=", "completion": "%d"}\n' % (i, i + 3, i * (i + 3)))

# transformers 5 renamed from_pretrained's torch_dtype to dtype (4.x knows
# only the old name; 5.x warns on it)
DTYPE_ARG = "dtype" if int(transformers.__version__.split(".")[0]) >= 5 else "torch_dtype"

def reference(ckpt):
    model = AutoModelForCausalLM.from_pretrained(ckpt, attn_implementation="eager",
                                                 **{DTYPE_ARG: torch.float32})
    model.generation_config.eos_token_id = None
    g = torch.Generator().manual_seed(7)
    ids = torch.randint(0, model.config.vocab_size, (2, 24), generator=g)
    labels = ids.clone()
    labels[0, :5] = -100
    labels[1, 10:14] = -100
    res = model(input_ids=ids, labels=labels)
    res.loss.backward()
    t = {"input_ids": ids.to(torch.int32), "labels": labels.to(torch.int32),
         "logits": res.logits.detach().float().contiguous(),
         "loss": res.loss.detach().float().reshape(1)}
    for n, p in model.named_parameters():
        t["grad." + n] = p.grad.detach().float().contiguous()
    with torch.no_grad():
        gen = model.generate(ids[:1, :8], max_new_tokens=16, do_sample=False,
                             pad_token_id=0, eos_token_id=None)
    t["greedy"] = gen.to(torch.int32).contiguous()
    save_file(t, os.path.join(ckpt, "reference.safetensors"))
    print("%s: transformers %s loads it; loss %.6f" % (ckpt, transformers.__version__, float(res.loss)))

dirs = []
for name, flags in [("llama-tied", []), ("llama", ["--untied"]),
                    ("qwen2", ["--arch", "qwen2", "--untied"])]:
    out = os.path.join(tmp, name)
    subprocess.run([os.path.join(build, "whittle"), "train", data, "--out", out,
                    "--steps", "3", "--batch", "2", "--seq", "32", "-j", "1", "--quiet"]
                   + flags, check=True)
    ckpt = os.path.join(out, "checkpoint-3")
    reference(ckpt)
    dirs.append(ckpt)
env = dict(os.environ, SRCDIR=src, WH_MODEL_FIXTURES=":".join(dirs))
rc = subprocess.run([os.path.join(build, "tests", "test-model")], env=env).returncode
print("whittle vs transformers:", "PASS" if rc in (0, 77) else "FAIL", "(files in %s)" % tmp)
sys.exit(0 if rc in (0, 77) else 1)

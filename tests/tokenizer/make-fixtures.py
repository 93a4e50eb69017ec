#!/usr/bin/env python3
"""Writes the small hand-built tokenizer.json files the tokenizer tests use:
a byte-level BPE trained for a few hundred merges on hard-strings.jsonl, in a
GPT-2 form (string merges, ByteLevel regex, prefix space) and a Qwen2 form
(pair merges, NFC, Split regex, ignore_merges), each with added tokens that
use lstrip, rstrip, single_word and normalized. Run it from this folder."""
import collections
import json


def byte_chars():
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(0xA1, 0xAD)) + list(range(0xAE, 0x100))
    cs, n = bs[:], 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return {b: chr(c) for b, c in zip(bs, cs)}


def train(texts, merges_wanted):
    bc = byte_chars()
    words = collections.Counter()
    for t in texts:
        for w in t.replace("\n", " \n ").split(" "):
            words[tuple(bc[b] for b in (" " + w).encode("utf-8", "replace"))] += 1
    vocab = [bc[b] for b in range(256)]
    merges = []
    for _ in range(merges_wanted):
        pairs = collections.Counter()
        for w, n in words.items():
            for a, b in zip(w, w[1:]):
                pairs[(a, b)] += n
        if not pairs:
            break
        (a, b), _ = max(pairs.items(), key=lambda kv: (kv[1], kv[0]))
        merges.append((a, b))
        vocab.append(a + b)
        new = collections.Counter()
        for w, n in words.items():
            out, i = [], 0
            while i < len(w):
                if i + 1 < len(w) and (w[i], w[i + 1]) == (a, b):
                    out.append(a + b)
                    i += 2
                else:
                    out.append(w[i])
                    i += 1
            new[tuple(out)] += n
        words = new
    return {t: i for i, t in enumerate(vocab)}, merges


def added(id_, content, **flags):
    t = {"id": id_, "content": content, "single_word": False, "lstrip": False,
         "rstrip": False, "normalized": False, "special": False}
    t.update(flags)
    return t


QWEN_RE = ("(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*"
           "|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+")


def main():
    texts = [json.loads(l) for l in open("hard-strings.jsonl", encoding="utf-8")]
    texts += ["the quick brown fox jumps over the lazy dog", "hello world, hello there"] * 20
    vocab, merges = train(texts, 400)
    n = len(vocab)
    gpt2 = {
        "version": "1.0", "truncation": None, "padding": None,
        "added_tokens": [
            added(n, "<|endoftext|>", special=True),
            added(n + 1, "[MASK]", lstrip=True, rstrip=True, special=True),
            added(n + 2, "cat", single_word=True),
            added(n + 3, "wor", normalized=True),
            added(n + 4, '<"q\\>', special=True),
            added(n + 5, "<|endoftext|>", special=False),
        ],
        "normalizer": None,
        "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "post_processor": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": False, "use_regex": True},
        "decoder": {"type": "ByteLevel", "add_prefix_space": True, "trim_offsets": True, "use_regex": True},
        "model": {"type": "BPE", "dropout": None, "unk_token": None, "continuing_subword_prefix": "",
                  "end_of_word_suffix": "", "fuse_unk": False, "byte_fallback": False,
                  "vocab": vocab, "merges": ["#version: 0.2"] + [a + " " + b for a, b in merges]},
    }
    qwen = json.loads(json.dumps(gpt2))
    qwen["added_tokens"] = [
        added(n, "<|im_end|>", special=True),
        added(n + 1, "<think>", rstrip=True),
        added(n + 2, "</think>", lstrip=True),
        added(n + 3, "Å", normalized=True),
        added(n + 7, "<gap>", special=True),
        added(5, "&", special=True),
    ]
    qwen["normalizer"] = {"type": "Sequence", "normalizers": [{"type": "NFKC"}, {"type": "NFC"}]}
    qwen["pre_tokenizer"] = {"type": "Sequence", "pretokenizers": [
        {"type": "Split", "pattern": {"Regex": "\\p{N}{1,3}"}, "behavior": "Isolated", "invert": False},
        {"type": "Split", "pattern": {"Regex": QWEN_RE}, "behavior": "Isolated", "invert": False},
        {"type": "ByteLevel", "add_prefix_space": False, "trim_offsets": False, "use_regex": False}]}
    qwen["model"]["merges"] = [[a, b] for a, b in merges]
    qwen["model"]["ignore_merges"] = True
    for name, t in (("tiny-gpt2.json", gpt2), ("tiny-qwen.json", qwen)):
        with open(name, "w", encoding="utf-8") as f:
            json.dump(t, f, ensure_ascii=False, indent=1)
            f.write("\n")


main()

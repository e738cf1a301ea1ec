#!/usr/bin/env python3
"""Writes a random-weight Hugging Face folder for the CPU generation benchmark:
Llama-3.2-1B shapes with an untied output matrix (vocab 128256, hidden 2048,
16 layers, FFN 8192, 32 heads, 8 KV heads; 1.50 B parameters) in BF16 or F16
(about 3.0 GB). `loka bench` feeds random token ids; the folder gets Llama 3's
tokenizer (same vocabulary size) from ../shared/testdata when it is there.

With --preset llama3-8b it writes Llama-3-8B shapes instead (vocab 128256, hidden 4096,
32 layers, FFN 14336, 32 heads, 8 KV heads; 8.03 B parameters, 16 GB), the GPU benchmark's
model; its tensors are slices of one 64 Mi-value random pool at random offsets, so that
writing 16 GB takes seconds, not minutes (values do not change the speed, zeros would).

Usage: python3 tools/make_bench_model.py OUT_DIR [--dtype bf16|f16] [--layers N]
                                         [--preset llama3-1b|llama3-8b]
"""
import argparse
import gzip
import json
import os
import shutil
import struct

import numpy as np


def shapes(cfg):
    h, f, v = cfg["hidden_size"], cfg["intermediate_size"], cfg["vocab_size"]
    kv = cfg["num_key_value_heads"] * (h // cfg["num_attention_heads"])
    yield "model.embed_tokens.weight", (v, h)
    for i in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{i}."
        yield p + "input_layernorm.weight", (h,)
        yield p + "self_attn.q_proj.weight", (h, h)
        yield p + "self_attn.k_proj.weight", (kv, h)
        yield p + "self_attn.v_proj.weight", (kv, h)
        yield p + "self_attn.o_proj.weight", (h, h)
        yield p + "post_attention_layernorm.weight", (h,)
        yield p + "mlp.gate_proj.weight", (f, h)
        yield p + "mlp.up_proj.weight", (f, h)
        yield p + "mlp.down_proj.weight", (h, f)
    yield "model.norm.weight", (h,)
    yield "lm_head.weight", (v, h)


def random_tensor(rng, shape, dtype):
    x = rng.standard_normal(shape, dtype=np.float32)
    x *= 1.0 if len(shape) == 1 else 0.02
    if len(shape) == 1:
        x += 1.0  # norm weights around 1
    if dtype == "f16":
        return x.astype(np.float16)
    return (x.view(np.uint32) >> 16).astype(np.uint16)  # bf16 by truncation: fine for random weights


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--dtype", default="bf16", choices=["bf16", "f16"])
    ap.add_argument("--layers", type=int, default=0, help="default: the preset's")
    ap.add_argument("--preset", default="llama3-1b", choices=["llama3-1b", "llama3-8b"])
    args = ap.parse_args()
    big = args.preset == "llama3-8b"
    layers = args.layers or (32 if big else 16)
    cfg = {"architectures": ["LlamaForCausalLM"], "model_type": "llama", "vocab_size": 128256,
           "hidden_size": 4096 if big else 2048, "intermediate_size": 14336 if big else 8192,
           "num_hidden_layers": layers,
           "num_attention_heads": 32, "num_key_value_heads": 8, "max_position_embeddings": 4096,
           "rms_norm_eps": 1e-5, "rope_theta": 500000.0, "tie_word_embeddings": False,
           "bos_token_id": 128000, "eos_token_id": 128001,
           "torch_dtype": "bfloat16" if args.dtype == "bf16" else "float16"}
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    st_dtype = "BF16" if args.dtype == "bf16" else "F16"
    header, offset, entries = {}, 0, list(shapes(cfg))
    for name, shape in entries:
        n = int(np.prod(shape)) * 2
        header[name] = {"dtype": st_dtype, "shape": list(shape), "data_offsets": [offset, offset + n]}
        offset += n
    blob = json.dumps(header).encode()
    blob += b" " * (-len(blob) % 8)
    rng = np.random.default_rng(0)
    with open(os.path.join(args.out, "model.safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(blob)) + blob)
        if big:
            # Matrix-like values (the 2-D scale of random_tensor).
            matrix_pool = random_tensor(rng, (64 << 20, 1), args.dtype).reshape(-1)
        for name, shape in entries:
            if not big or len(shape) == 1:
                f.write(random_tensor(rng, shape, args.dtype).tobytes())
                continue
            n = int(np.prod(shape))
            while n > 0:
                start = int(rng.integers(0, matrix_pool.size // 2))
                take = min(n, matrix_pool.size - start)
                f.write(matrix_pool[start:start + take].tobytes())
                n -= take
    tok_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "shared", "testdata",
                           "tokenizers", "llama3")
    if os.path.isdir(tok_dir):
        with gzip.open(os.path.join(tok_dir, "tokenizer.json.gz"), "rb") as src, \
                open(os.path.join(args.out, "tokenizer.json"), "wb") as dst:
            shutil.copyfileobj(src, dst)
        shutil.copy(os.path.join(tok_dir, "tokenizer_config.json"), args.out)
    params = sum(int(np.prod(s)) for _, s in entries)
    print(f"{args.out}: {params / 1e9:.3f} B parameters, {offset / 1e9:.2f} GB {st_dtype}")


if __name__ == "__main__":
    main()

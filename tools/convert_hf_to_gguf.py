#!/usr/bin/env python3
"""Converts a Hugging Face folder (Llama / Mistral / Qwen2 / Qwen3, F32/F16/BF16
safetensors, byte-level BPE tokenizer.json) into a GGUF file the way llama.cpp's
convert_hf_to_gguf.py lays it out: its tensor names and metadata keys, the Q/K row
permutation it applies to Llama-architecture weights, and Llama 3's rope scaling
as a `rope_freqs.weight` tensor. Written with the `gguf` package (PyPI); numpy only.

Usage: python3 tools/convert_hf_to_gguf.py HF_FOLDER OUT.gguf [--outtype auto|f32|f16|bf16]
"""
import argparse
import glob
import json
import math
import os
import struct
import sys

import numpy as np
import gguf

ARCHES = {"LlamaForCausalLM": "llama", "MistralForCausalLM": "llama",
          "Qwen2ForCausalLM": "qwen2", "Qwen3ForCausalLM": "qwen3"}

# Split regexes of tokenizer.json -> llama.cpp's tokenizer.ggml.pre names.
LLAMA3_REGEX = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|"
                r" ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")
QWEN2_REGEX = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}| ?[^\s\p{L}\p{N}]+[\r\n]*|"
               r"\s*[\r\n]+|\s+(?!\S)|\s+")
PRE_BY_REGEX = {LLAMA3_REGEX: "llama-bpe", QWEN2_REGEX: "qwen2"}

LAYER_NAMES = {
    "input_layernorm.weight": "attn_norm.weight",
    "self_attn.q_proj.weight": "attn_q.weight", "self_attn.q_proj.bias": "attn_q.bias",
    "self_attn.k_proj.weight": "attn_k.weight", "self_attn.k_proj.bias": "attn_k.bias",
    "self_attn.v_proj.weight": "attn_v.weight", "self_attn.v_proj.bias": "attn_v.bias",
    "self_attn.o_proj.weight": "attn_output.weight",
    "self_attn.q_norm.weight": "attn_q_norm.weight", "self_attn.k_norm.weight": "attn_k_norm.weight",
    "post_attention_layernorm.weight": "ffn_norm.weight",
    "mlp.gate_proj.weight": "ffn_gate.weight", "mlp.up_proj.weight": "ffn_up.weight",
    "mlp.down_proj.weight": "ffn_down.weight",
}
GLOBAL_NAMES = {"model.embed_tokens.weight": "token_embd.weight", "model.norm.weight": "output_norm.weight",
                "lm_head.weight": "output.weight"}

ST_DTYPES = {"F32": (np.float32, gguf.GGMLQuantizationType.F32),
             "F16": (np.float16, gguf.GGMLQuantizationType.F16),
             "BF16": (np.uint16, gguf.GGMLQuantizationType.BF16)}  # raw bf16 bits


def read_safetensors(folder):
    """{name: (array, dtype_name)}; BF16 arrays hold the raw bits as uint16."""
    tensors = {}
    for path in sorted(glob.glob(os.path.join(folder, "model*.safetensors"))):  # not reference.safetensors
        with open(path, "rb") as f:
            n = struct.unpack("<Q", f.read(8))[0]
            header = json.loads(f.read(n))
            base = 8 + n
            data = np.memmap(path, dtype=np.uint8, mode="r")
        for name, info in header.items():
            if name == "__metadata__":
                continue
            if info["dtype"] not in ST_DTYPES:
                sys.exit(f"{path}: tensor {name} has dtype {info['dtype']}, not F32/F16/BF16")
            np_dtype = ST_DTYPES[info["dtype"]][0]
            start, end = info["data_offsets"]
            arr = np.frombuffer(data[base + start:base + end], dtype=np_dtype).reshape(info["shape"])
            tensors[name] = (arr, info["dtype"])
    return tensors


def permute(w, n_head, n_head_kv):
    """llama.cpp's LlamaModel.permute: rows of each head from HF's rotate-half layout to
    interleaved pairs (what ggml's normal rope mode expects)."""
    if n_head_kv is not None and n_head != n_head_kv:
        n_head = n_head_kv
    return (w.reshape(n_head, 2, w.shape[0] // n_head // 2, *w.shape[1:])
            .swapaxes(1, 2).reshape(w.shape))


def rope_config(config):
    """(theta, scaling dict or None) from either config.json layout."""
    if "rope_parameters" in config and config["rope_parameters"]:
        rope = dict(config["rope_parameters"])
        theta = rope.pop("rope_theta", 10000.0)
        return theta, (rope if rope.get("rope_type", "default") != "default" else None)
    scaling = config.get("rope_scaling")
    if scaling and scaling.get("rope_type", scaling.get("type", "default")) == "default":
        scaling = None
    return config.get("rope_theta", 10000.0), scaling


def llama3_rope_factors(theta, head_dim, scaling):
    """llama.cpp's rope_freqs for rope_type llama3 (divisors of each frequency)."""
    factor = scaling.get("factor", 8.0)
    low, high = scaling.get("low_freq_factor", 1.0), scaling.get("high_freq_factor", 4.0)
    old_ctx = scaling.get("original_max_position_embeddings", 8192)
    low_wavelen, high_wavelen = old_ctx / low, old_ctx / high
    factors = []
    for i in range(0, head_dim, 2):
        freq = 1.0 / (theta ** (i / head_dim))
        wavelen = 2 * math.pi / freq
        if wavelen < high_wavelen:
            factors.append(1.0)
        elif wavelen > low_wavelen:
            factors.append(factor)
        else:
            smooth = (old_ctx / wavelen - low) / (high - low)
            factors.append(1.0 / ((1 - smooth) / factor + smooth))
    return np.asarray(factors, dtype=np.float32)


def add_tokenizer(writer, folder):
    path = os.path.join(folder, "tokenizer.json")
    if not os.path.exists(path):
        return
    tj = json.load(open(path, encoding="utf-8"))
    model = tj["model"]
    if model["type"] != "BPE":
        sys.exit(f"{path}: model type {model['type']} is not byte-level BPE")
    pre = tj.get("pre_tokenizer") or {}
    splits = [p for p in pre.get("pretokenizers", [pre]) if p.get("type") == "Split"]
    regex = splits[0]["pattern"].get("Regex") if splits else None
    if regex not in PRE_BY_REGEX:
        sys.exit(f"{path}: no llama.cpp pre-tokenizer name known for split regex {regex!r}")
    vocab = dict(model["vocab"])
    special_ids = set()
    user_ids = set()
    for t in tj.get("added_tokens", []):
        vocab[t["content"]] = t["id"]
        (special_ids if t.get("special") else user_ids).add(t["id"])
    size = max(vocab.values()) + 1
    tokens = [f"[PAD{i}]" for i in range(size)]
    types = [gguf.TokenType.UNUSED] * size
    for piece, i in vocab.items():
        tokens[i] = piece
        types[i] = (gguf.TokenType.CONTROL if i in special_ids else
                    gguf.TokenType.USER_DEFINED if i in user_ids else gguf.TokenType.NORMAL)
    merges = [m if isinstance(m, str) else " ".join(m) for m in model["merges"]]
    writer.add_tokenizer_model("gpt2")
    writer.add_tokenizer_pre(PRE_BY_REGEX[regex])
    writer.add_token_list(tokens)
    writer.add_token_types(types)
    writer.add_token_merges(merges)
    cfg_path = os.path.join(folder, "tokenizer_config.json")
    cfg = json.load(open(cfg_path, encoding="utf-8")) if os.path.exists(cfg_path) else {}

    def token_id(key):
        tok = cfg.get(key)
        tok = tok.get("content") if isinstance(tok, dict) else tok
        return vocab.get(tok) if tok is not None else None

    if token_id("bos_token") is not None:
        writer.add_bos_token_id(token_id("bos_token"))
    if token_id("eos_token") is not None:
        writer.add_eos_token_id(token_id("eos_token"))
    if "add_bos_token" in cfg:
        writer.add_add_bos_token(bool(cfg["add_bos_token"]))
    if "add_eos_token" in cfg:
        writer.add_add_eos_token(bool(cfg["add_eos_token"]))
    if isinstance(cfg.get("chat_template"), str):
        writer.add_chat_template(cfg["chat_template"])


def convert(folder, out_path, outtype):
    config = json.load(open(os.path.join(folder, "config.json")))
    arch_name = (config.get("architectures") or ["?"])[0]
    if arch_name not in ARCHES:
        sys.exit(f"{folder}/config.json: architecture {arch_name} is not supported")
    arch = ARCHES[arch_name]
    n_head, n_kv = config["num_attention_heads"], config.get("num_key_value_heads", config["num_attention_heads"])
    head_dim = config.get("head_dim") or config["hidden_size"] // n_head
    theta, scaling = rope_config(config)

    writer = gguf.GGUFWriter(out_path, arch)
    writer.add_name(os.path.basename(os.path.normpath(folder)))
    writer.add_context_length(config["max_position_embeddings"])
    writer.add_embedding_length(config["hidden_size"])
    writer.add_block_count(config["num_hidden_layers"])
    writer.add_feed_forward_length(config["intermediate_size"])
    writer.add_head_count(n_head)
    writer.add_head_count_kv(n_kv)
    writer.add_layer_norm_rms_eps(config.get("rms_norm_eps", 1e-6))
    writer.add_rope_freq_base(theta)
    writer.add_rope_dimension_count(head_dim)
    writer.add_key_length(head_dim)
    writer.add_value_length(head_dim)
    writer.add_vocab_size(config["vocab_size"])
    rope_type = scaling.get("rope_type", scaling.get("type")) if scaling else None
    if rope_type in ("linear", "yarn"):
        writer.add_rope_scaling_type(gguf.RopeScalingType.LINEAR if rope_type == "linear" else gguf.RopeScalingType.YARN)
        writer.add_rope_scaling_factor(scaling["factor"])
        if "original_max_position_embeddings" in scaling:
            writer.add_rope_scaling_orig_ctx_len(scaling["original_max_position_embeddings"])
    elif rope_type not in (None, "llama3"):
        sys.exit(f"{folder}/config.json: rope type {rope_type} is not supported by this converter")
    add_tokenizer(writer, folder)

    tensors = read_safetensors(folder)
    tied = config.get("tie_word_embeddings", False) or "lm_head.weight" not in tensors
    if rope_type == "llama3":
        writer.add_tensor("rope_freqs.weight", llama3_rope_factors(theta, head_dim, scaling))
    for name, (arr, st_dtype) in tensors.items():
        if name == "lm_head.weight" and tied:
            continue
        if name in GLOBAL_NAMES:
            gg_name = GLOBAL_NAMES[name]
        else:
            parts = name.split(".")
            if parts[:2] != ["model", "layers"] or ".".join(parts[3:]) not in LAYER_NAMES:
                sys.exit(f"{folder}: unexpected tensor {name}")
            gg_name = f"blk.{parts[2]}.{LAYER_NAMES['.'.join(parts[3:])]}"
        if arch == "llama" and name.endswith("q_proj.weight"):
            arr = permute(arr, n_head, n_head)
        elif arch == "llama" and name.endswith("k_proj.weight"):
            arr = permute(arr, n_head, n_kv)
        target = st_dtype if outtype == "auto" else outtype.upper()
        if arr.ndim == 1:
            target = "F32"  # norms and biases in F32, as llama.cpp does
        if target != st_dtype:
            as_f32 = (arr.astype(np.uint32) << 16).view(np.float32) if st_dtype == "BF16" else arr.astype(np.float32)
            if target == "F32":
                arr = as_f32
            elif target == "F16":
                arr = as_f32.astype(np.float16)
            else:  # BF16 with round-to-nearest-even
                bits = as_f32.view(np.uint32)
                arr = ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype(np.uint16)
        np_dtype, gg_type = ST_DTYPES[target]
        arr = np.ascontiguousarray(arr)
        if target == "BF16":
            writer.add_tensor(gg_name, arr, raw_shape=arr.shape, raw_dtype=gg_type)
        else:
            writer.add_tensor(gg_name, arr.astype(np_dtype, copy=False))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("folder")
    ap.add_argument("out")
    ap.add_argument("--outtype", default="auto", choices=["auto", "f32", "f16", "bf16"])
    args = ap.parse_args()
    convert(args.folder, args.out, args.outtype)
    print(f"{args.out}: {os.path.getsize(args.out) / 1e6:.2f} MB", file=sys.stderr)


if __name__ == "__main__":
    main()

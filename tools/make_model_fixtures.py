#!/usr/bin/env python3
"""Reference outputs of Hugging Face transformers for tiny random models of
each architecture loka runs (runs on the GPU machine or any machine with
PyTorch + transformers; CPU float32 is used so results are reproducible).

For each NAME writes tests/data/models/NAME/: config.json, model.safetensors
(float32 random weights), and reference.safetensors holding
  input_ids   int64 [T]        a fixed prompt
  logits      float32 [T, V]   logits of every prompt position (one forward)
  greedy_ids  int64 [N]        greedy continuation (model.generate, no sampling)

Usage: python3 tools/make_model_fixtures.py [--out tests/data/models]
"""
import argparse
import json
import os

import torch
import transformers
from safetensors.torch import save_file
from transformers import (LlamaConfig, LlamaForCausalLM, MistralConfig, MistralForCausalLM,
                          Qwen2Config, Qwen2ForCausalLM, Qwen3Config, Qwen3ForCausalLM)

COMMON = dict(vocab_size=512, hidden_size=64, intermediate_size=160, num_hidden_layers=2,
              num_attention_heads=4, num_key_value_heads=2, max_position_embeddings=256,
              rms_norm_eps=1e-5, bos_token_id=1, eos_token_id=2,
              # Larger than the default 0.02 so attention, not just the current token, decides the output.
              initializer_range=0.1)
# Written in the pre-v5 config.json layout (rope_theta + rope_scaling), as most published
# checkpoints are; the others keep transformers 5's "rope_parameters".
LEGACY_CONFIG = {"llama3", "qwen2"}

MODELS = {
    # Llama 3.2 style: llama3 rope scaling, tied embeddings.
    "llama3": (LlamaConfig, LlamaForCausalLM, dict(
        rope_theta=500000.0, tie_word_embeddings=True,
        rope_scaling={"rope_type": "llama3", "factor": 32.0, "low_freq_factor": 1.0,
                      "high_freq_factor": 4.0, "original_max_position_embeddings": 64})),
    # Llama 2 style: plain rope, separate lm_head.
    "llama2": (LlamaConfig, LlamaForCausalLM, dict(rope_theta=10000.0, tie_word_embeddings=False)),
    "mistral": (MistralConfig, MistralForCausalLM, dict(rope_theta=1000000.0, sliding_window=None,
                                                        tie_word_embeddings=False)),
    # Qwen2: biases on q/k/v.
    "qwen2": (Qwen2Config, Qwen2ForCausalLM, dict(rope_theta=1000000.0, tie_word_embeddings=False,
                                                  use_sliding_window=False)),
    # Qwen3: RMSNorm on q and k per head, head_dim set explicitly (not hidden/heads).
    "qwen3": (Qwen3Config, Qwen3ForCausalLM, dict(rope_theta=1000000.0, tie_word_embeddings=True,
                                                  head_dim=32, use_sliding_window=False)),
    # Added later; at the end so the seeds of the entries above stay as they were.
    # Multi-head attention (as many KV heads as heads), linear rope scaling, untied.
    "llama-mha-linear": (LlamaConfig, LlamaForCausalLM, dict(
        num_key_value_heads=4, rope_theta=10000.0, tie_word_embeddings=False,
        rope_scaling={"rope_type": "linear", "factor": 2.0})),
    # YaRN rope scaling (as Qwen2.5 long-context configs use), QKV bias.
    "qwen2-yarn": (Qwen2Config, Qwen2ForCausalLM, dict(
        rope_theta=10000.0, tie_word_embeddings=True, use_sliding_window=False,
        rope_scaling={"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 64})),
}


def write_legacy_config(path):
    """Rewrites "rope_parameters" as the older "rope_theta" + "rope_scaling" keys."""
    with open(path) as f:
        config = json.load(f)
    rope = config.pop("rope_parameters", None)
    if rope is not None:
        config["rope_theta"] = rope.pop("rope_theta")
        config["rope_scaling"] = rope if rope.get("rope_type", "default") != "default" else None
    with open(path, "w") as f:
        json.dump(config, f, indent=2, sort_keys=True)


def main():
    ap = argparse.ArgumentParser()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--out", default=os.path.join(root, "tests", "data", "models"))
    ap.add_argument("--prompt-len", type=int, default=12)
    ap.add_argument("--new-tokens", type=int, default=16)
    ap.add_argument("--only", default="", help="comma-separated names (default: all)")
    args = ap.parse_args()
    only = set(args.only.split(",")) if args.only else None
    for seed, (name, (config_cls, model_cls, extra)) in enumerate(MODELS.items()):
        if only and name not in only:
            continue
        torch.manual_seed(100 + seed)
        config = config_cls(**{**COMMON, **extra})
        model = model_cls(config).eval()
        # Random init has tiny norms' weights = 1; perturb them so norm weights are tested too.
        with torch.no_grad():
            for n, p in model.named_parameters():
                if "norm" in n:
                    p.copy_(1.0 + 0.1 * torch.randn_like(p))
                elif "bias" in n:
                    p.copy_(0.1 * torch.randn_like(p))
        out_dir = os.path.join(args.out, name)
        model.save_pretrained(out_dir, safe_serialization=True)
        if name in LEGACY_CONFIG:
            write_legacy_config(os.path.join(out_dir, "config.json"))
        gen = torch.Generator().manual_seed(7 + seed)
        input_ids = torch.randint(3, COMMON["vocab_size"], (1, args.prompt_len), generator=gen)
        with torch.no_grad():
            logits = model(input_ids).logits[0].float()
            out = model.generate(input_ids, max_new_tokens=args.new_tokens, do_sample=False,
                                 eos_token_id=None, pad_token_id=0)
        greedy = out[0, args.prompt_len:]
        save_file({"input_ids": input_ids[0].contiguous(), "logits": logits.contiguous(),
                   "greedy_ids": greedy.contiguous()},
                  os.path.join(out_dir, "reference.safetensors"),
                  metadata={"transformers": transformers.__version__, "torch": torch.__version__})
        with open(os.path.join(out_dir, "PROVENANCE"), "w") as f:
            f.write(f"Random weights (seed {100 + seed}) and reference outputs made by "
                    f"tools/make_model_fixtures.py with transformers {transformers.__version__}, "
                    f"torch {torch.__version__}, float32 on CPU.\n")
        print(name, "logits", tuple(logits.shape), "greedy", greedy.tolist())


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Step 2 of the demo model (runs on the GPU machine, PyTorch + transformers):
trains a small Llama-architecture model on the token stream made by
prepare.py and saves it as a Hugging Face folder (safetensors, BF16) with the
tokenizer, plus sample continuations.

Usage: python3 tools/demo_model/train.py --data DIR --out DIR [--steps 800]
"""
import argparse
import json
import math
import os
import shutil
import time

import numpy as np
import torch
from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast

CONFIG = dict(vocab_size=4096, hidden_size=256, intermediate_size=768, num_hidden_layers=6,
              num_attention_heads=8, num_key_value_heads=4, max_position_embeddings=512,
              rms_norm_eps=1e-5, rope_theta=10000.0, tie_word_embeddings=True,
              bos_token_id=0, eos_token_id=1, hidden_act="silu")
VAL_BLOCK = 4096


def batches(tokens, seq, batch, device, gen):
    starts = torch.randint(0, len(tokens) - seq - 1, (batch,), generator=gen)
    x = torch.stack([tokens[s:s + seq + 1] for s in starts.tolist()]).to(device)
    return x[:, :-1], x[:, 1:]


@torch.no_grad()
def evaluate(model, tokens, seq, device):
    model.eval()
    n = (len(tokens) - 1) // seq
    x = tokens[:n * seq + 1]
    losses = []
    for i in range(0, n, 64):
        idx = torch.arange(i, min(i + 64, n))
        inp = torch.stack([x[j * seq:(j + 1) * seq] for j in idx.tolist()]).to(device)
        tgt = torch.stack([x[j * seq + 1:(j + 1) * seq + 1] for j in idx.tolist()]).to(device)
        with torch.autocast("cuda", dtype=torch.bfloat16):
            logits = model(inp).logits.float()
        losses.append(torch.nn.functional.cross_entropy(
            logits.reshape(-1, logits.size(-1)), tgt.reshape(-1), reduction="sum").item())
    model.train()
    return sum(losses) / (n * seq)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--steps", type=int, default=800)
    ap.add_argument("--seq", type=int, default=256)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=2e-3)
    args = ap.parse_args()
    torch.manual_seed(1234)
    gen = torch.Generator().manual_seed(1234)
    stream = torch.from_numpy(np.fromfile(os.path.join(args.data, "tokens.u16"), dtype="<u2").astype(np.int64))
    # Every 20th block of 4096 tokens (5%, spread over all six novels) is held out for validation.
    blocks = list(torch.split(stream, VAL_BLOCK))
    train = torch.cat([b for i, b in enumerate(blocks) if i % 20 != 7])
    val = torch.cat([b for i, b in enumerate(blocks) if i % 20 == 7])
    device = "cuda"
    model = LlamaForCausalLM(LlamaConfig(**CONFIG)).to(device)
    params = sum(p.numel() for p in model.parameters())
    decay = [p for n, p in model.named_parameters() if p.dim() >= 2]
    no_decay = [p for n, p in model.named_parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1},
                             {"params": no_decay, "weight_decay": 0.0}], lr=args.lr, betas=(0.9, 0.95))
    warmup = 100
    sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: min(1.0, (s + 1) / warmup) * (
        0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * min(1.0, s / args.steps)))))
    best, best_state, log = float("inf"), None, []
    start = time.time()
    for step in range(args.steps + 1):
        if step % 100 == 0:
            v = evaluate(model, val, args.seq, device)
            log.append({"step": step, "val_loss": v, "seconds": time.time() - start})
            print(f"step {step} val loss {v:.4f} ({time.time() - start:.0f}s)", flush=True)
            if v < best:
                best, best_state = v, {k: t.detach().clone() for k, t in model.state_dict().items()}
        if step == args.steps:
            break
        x, y = batches(train, args.seq, args.batch, device, gen)
        with torch.autocast("cuda", dtype=torch.bfloat16):
            logits = model(x).logits
        loss = torch.nn.functional.cross_entropy(logits.float().reshape(-1, logits.size(-1)), y.reshape(-1))
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        sched.step()
    model.load_state_dict(best_state)
    model = model.to(torch.bfloat16)
    model.generation_config.bos_token_id, model.generation_config.eos_token_id = 0, 1
    os.makedirs(args.out, exist_ok=True)
    model.save_pretrained(args.out, safe_serialization=True)
    for name in ("tokenizer.json", "tokenizer_config.json"):
        shutil.copy(os.path.join(args.data, name), args.out)
    tok = PreTrainedTokenizerFast.from_pretrained(args.out)
    samples = []
    for prompt in ["It is a truth universally acknowledged", "Mr. Darcy", "Elizabeth said"]:
        ids = tok(prompt, return_tensors="pt").input_ids.to(device)
        for sample in (False, True):
            out = model.generate(ids, max_new_tokens=80, do_sample=sample, temperature=0.8, top_p=0.95)
            samples.append({"prompt": prompt, "sampled": sample,
                            "text": tok.decode(out[0], skip_special_tokens=True)})
    train_info = {"parameters": params, "best_val_loss": best, "best_val_ppl": math.exp(best),
                  "validation": "every 20th block of 4096 tokens", "log": log, "samples": samples,
                  "torch": torch.__version__, "device": torch.cuda.get_device_name()}
    json.dump(train_info, open(os.path.join(args.out, "training.json"), "w"), indent=1)
    print(json.dumps({k: v for k, v in train_info.items() if k != "log"}, indent=1))


if __name__ == "__main__":
    main()

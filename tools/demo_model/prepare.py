#!/usr/bin/env python3
"""Step 1 of the demo model (runs on any Debian machine, no GPU): takes Jane
Austen's six novels from the Debian package r-cran-janeaustenr (public domain),
unwraps paragraphs, trains a byte-level BPE tokenizer with the Hugging Face
`tokenizers` package, and writes the token stream for training.

Outputs (in --out): tokenizer.json, tokenizer_config.json, tokens.u16 (uint16
little endian, one stream: per book BOS + text + EOS).

Usage: python3 tools/demo_model/prepare.py --out DIR [--vocab 4096]
"""
import argparse
import json
import os
import subprocess

import numpy as np
from tokenizers import Regex, Tokenizer, decoders, models, pre_tokenizers, processors, trainers

BOS, EOS = "<|begin_of_text|>", "<|end_of_text|>"
# Llama 3's split regex, so the model's GGUF says tokenizer.ggml.pre = llama-bpe.
LLAMA3_SPLIT = (r"(?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|"
                r" ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+")


def austen_books():
    """{title: text} with paragraphs unwrapped (one paragraph per line, blank line between)."""
    script = ("library(janeaustenr); b <- austen_books(); "
              "for (t in levels(b$book)) { cat('@@BOOK@@', t, '\\n', sep=''); "
              "writeLines(b$text[b$book == t]) }")
    out = subprocess.run(["Rscript", "-e", script], check=True, capture_output=True).stdout.decode()
    books = {}
    for chunk in out.split("@@BOOK@@")[1:]:
        title, _, body = chunk.partition("\n")
        paragraphs, current = [], []
        for line in body.splitlines():
            if line.strip():
                current.append(line.strip())
            elif current:
                paragraphs.append(" ".join(current))
                current = []
        if current:
            paragraphs.append(" ".join(current))
        books[title] = "\n\n".join(paragraphs) + "\n"
    return books


def train_tokenizer(texts, vocab_size, specials=(BOS, EOS), bos=BOS):
    tok = Tokenizer(models.BPE())
    tok.pre_tokenizer = pre_tokenizers.Sequence([
        pre_tokenizers.Split(Regex(LLAMA3_SPLIT), behavior="isolated"),
        pre_tokenizers.ByteLevel(add_prefix_space=False, use_regex=False)])
    tok.decoder = decoders.ByteLevel()
    trainer = trainers.BpeTrainer(vocab_size=vocab_size, special_tokens=list(specials),
                                  initial_alphabet=pre_tokenizers.ByteLevel.alphabet(),
                                  min_frequency=2, show_progress=False)
    tok.train_from_iterator(texts, trainer)
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A", pair=f"{bos} $A {bos} $B", special_tokens=[(bos, tok.token_to_id(bos))])
    return tok


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--vocab", type=int, default=4096)
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    books = austen_books()
    tok = train_tokenizer(list(books.values()), args.vocab)
    tok.save(os.path.join(args.out, "tokenizer.json"))
    config = {"bos_token": BOS, "eos_token": EOS, "add_bos_token": True, "add_eos_token": False,
              "clean_up_tokenization_spaces": False, "model_max_length": 512,
              "tokenizer_class": "PreTrainedTokenizerFast"}
    with open(os.path.join(args.out, "tokenizer_config.json"), "w") as f:
        json.dump(config, f, indent=2)
    bos, eos = tok.token_to_id(BOS), tok.token_to_id(EOS)
    stream = []
    for title in sorted(books):
        stream += [bos] + tok.encode(books[title], add_special_tokens=False).ids + [eos]
    np.asarray(stream, dtype="<u2").tofile(os.path.join(args.out, "tokens.u16"))
    chars = sum(len(t) for t in books.values())
    print(f"{len(books)} books, {chars / 1e6:.2f} M chars -> {len(stream)} tokens "
          f"({chars / len(stream):.2f} chars/token), vocab {tok.get_vocab_size()}")


if __name__ == "__main__":
    main()

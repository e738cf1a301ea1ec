#!/usr/bin/env python3
"""Single-thread encode throughput of the Hugging Face `tokenizers` package on
a corpus made by tools/make_tokenizer_corpus.py (NUL-separated documents), the
reference side of bench/bench_tokenizer. Prints MB/s, the token count and an
FNV-1a checksum of all ids, so loka's ids can be compared with these.

Usage: python3 tools/bench_tokenizer_hf.py TOKENIZER_JSON[.gz] CORPUS [--repeat 3]
"""
import argparse
import gzip
import os
import sys
import time

os.environ.setdefault("RAYON_NUM_THREADS", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

import tokenizers  # noqa: E402
from tokenizers import Tokenizer  # noqa: E402


def fnv1a_ids(checksum, ids):
    for i in ids:
        for shift in (0, 8, 16, 24):
            checksum ^= (i >> shift) & 0xFF
            checksum = (checksum * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return checksum


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("tokenizer")
    ap.add_argument("corpus")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    opener = gzip.open if args.tokenizer.endswith(".gz") else open
    with opener(args.tokenizer, "rt", encoding="utf-8") as f:
        tok = Tokenizer.from_str(f.read())
    data = open(args.corpus, "rb").read()
    docs = data.decode("utf-8").split("\0")
    best, first = float("inf"), None
    all_ids = None
    for _ in range(args.repeat):
        start = time.perf_counter()
        encoded = [tok.encode(d, add_special_tokens=False).ids for d in docs]
        seconds = time.perf_counter() - start
        first = seconds if first is None else first  # cold: the BPE word cache starts empty
        best = min(best, seconds)
        all_ids = encoded
    checksum = 0xCBF29CE484222325
    tokens = 0
    for ids in all_ids:
        checksum = fnv1a_ids(checksum, ids)
        tokens += len(ids)
    print(f"hf-tokenizers {tokenizers.__version__}: {len(data) / 1e6 / first:.2f} MB/s first pass, "
          f"{len(data) / 1e6 / best:.2f} MB/s best of {args.repeat} ({len(data) / 1e6:.2f} MB, {len(docs)} docs) "
          f"tokens {tokens} checksum {checksum:016x}")


if __name__ == "__main__":
    sys.exit(main())

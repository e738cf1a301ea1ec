#!/usr/bin/env python3
"""Builds the mixed corpus for the tokenizer benchmark from text already on a
Debian machine: Jane Austen's novels (r-cran-janeaustenr, through Rscript),
C and C++ headers (/usr/include), and translated program messages in Chinese,
Japanese, Korean, Arabic, Russian and German (gettext catalogs in
/usr/share/locale). Documents of at most --chunk bytes are separated by NUL
bytes, so every tokenizer under test encodes exactly the same pieces.

Usage: python3 tools/make_tokenizer_corpus.py OUT [--mb-per-kind 2.5] [--chunk 4096]
"""
import argparse
import gettext
import glob
import os
import subprocess
import sys


def austen_text():
    try:
        out = subprocess.run(
            ["Rscript", "-e", "library(janeaustenr); writeLines(austen_books()$text)"],
            check=True, capture_output=True)
        return out.stdout.decode("utf-8")
    except (OSError, subprocess.CalledProcessError):
        print("note: Rscript/janeaustenr missing, no English prose in the corpus", file=sys.stderr)
        return ""


def header_text(limit):
    parts, size = [], 0
    for path in sorted(glob.glob("/usr/include/c++/*/bits/*.h")) + sorted(glob.glob("/usr/include/*.h")):
        try:
            text = open(path, encoding="utf-8").read()
        except (UnicodeDecodeError, OSError):
            continue
        parts.append(text)
        size += len(text.encode())
        if size >= limit:
            break
    return "".join(parts)


def catalog_text(lang, limit):
    parts, size = [], 0
    for path in sorted(glob.glob(f"/usr/share/locale/{lang}/LC_MESSAGES/*.mo")):
        try:
            with open(path, "rb") as f:
                catalog = gettext.GNUTranslations(f)._catalog
        except (OSError, UnicodeDecodeError, gettext.error if hasattr(gettext, "error") else Exception):
            continue
        for key, value in catalog.items():
            if key and isinstance(value, str):
                parts.append(value + "\n")
                size += len(value.encode()) + 1
        if size >= limit:
            break
    return "".join(parts)


def chunks(text, limit):
    """Pieces of at most `limit` UTF-8 bytes, cut at line ends where possible."""
    out, current, size = [], [], 0
    for line in text.splitlines(keepends=True):
        n = len(line.encode())
        if size + n > limit and current:
            out.append("".join(current))
            current, size = [], 0
        current.append(line)
        size += n
    if current:
        out.append("".join(current))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--mb-per-kind", type=float, default=2.5)
    ap.add_argument("--chunk", type=int, default=4096)
    args = ap.parse_args()
    limit = int(args.mb_per_kind * 1e6)
    kinds = {"english": austen_text()[:limit], "code": header_text(limit)}
    multilingual_langs = ["zh_CN", "ja", "ko", "ar", "ru", "de"]
    kinds["multilingual"] = "".join(catalog_text(l, limit // len(multilingual_langs))
                                    for l in multilingual_langs)
    docs = []
    for name, text in kinds.items():
        pieces = chunks(text, args.chunk)
        print(f"{name}: {len(text.encode()) / 1e6:.2f} MB in {len(pieces)} documents", file=sys.stderr)
        docs += pieces
    data = "\0".join(d.replace("\0", "") for d in docs).encode("utf-8")
    with open(args.out, "wb") as f:
        f.write(data)
    print(f"{args.out}: {len(data) / 1e6:.2f} MB, {len(docs)} documents", file=sys.stderr)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Writes tests/data/tokenizer/hf/NAME.jsonl: expected token ids made by the
Hugging Face `tokenizers` package for the tokenizers in
../shared/testdata/tokenizers/NAME (deepseek-v3, llama3, qwen3).

Each line is {"text": str, "ids": [int], "decoded": str} with
ids = encode(text, add_special_tokens=False).ids and
decoded = decode(ids, skip_special_tokens=False).
The strings are deterministic (seeded): hand-picked fragments in many scripts
and programming languages, random combinations of them, whitespace and digit
runs, special tokens embedded in text, and unusual but valid UTF-8.

Usage: python3 tools/make_tokenizer_fixtures.py [--shared ../shared] [--count 2400]
"""
import argparse
import gzip
import json
import os
import random
import sys

import tokenizers
from tokenizers import Tokenizer

NAMES = ("deepseek-v3", "llama3", "qwen3")

FRAGMENTS = [
    # English prose, contractions, punctuation, casing
    "Hello world", "Hello, world!", " Hello", "  Hello", "hello world", "HELLO WORLD",
    "It's a truth universally acknowledged, that a single man in possession of a good fortune, must be in want of a wife.",
    "I'm sure you'll see they've done what we'd've wanted.", "DON'T SHOUT, I'LL HEAR YOU'RE THERE",
    "The quick brown fox jumps over the lazy dog.", "e.g. i.e. etc. Mr. Smith's U.S.A. trip",
    "What?! No... really?", "(parentheses) [brackets] {braces} <angles>", "\"double\" and 'single' quotes",
    "well-known state-of-the-art end-to-end", "email: someone@example.com, url: https://example.org/a?b=c&d=e#f",
    "C:\\Users\\loka\\file.txt", "/usr/local/bin/loka --threads=2", "#hashtag @mention $100 50% 3*4=12",
    "Ünïcödé àccénts: café, naïve, façade, coöperate, résumé", "Straße, Œuvre, Ærø, Łódź, İstanbul, ǅungla",
    # digits
    "0", "12", "123", "1234", "12345", "1234567890", "3.14159265358979", "1,000,000", "2026-11-22 12:51:13",
    "version 1.2.3-rc4", "0x7fffffff 0b1010 1e-5 -42 +7", "١٢٣٤٥ ٦٧٨", "一二三 123 四五六", "①②③ ⅠⅡⅢ ½ ¾ ²³",
    # Chinese
    "你好，世界！", "我们今天去公园散步，天气非常好。", "人工智能正在改变世界。", "深度求索（DeepSeek）发布了新模型。",
    "中文混合English文本测试123。", "「引号」『双引号』《书名号》", "繁體中文：臺灣的資訊科技產業",
    # Japanese
    "こんにちは世界", "東京は日本の首都です。", "カタカナとひらがなと漢字が混ざった文章", "ｶﾀｶﾅ半角 ＡＢＣ全角",
    "吾輩は猫である。名前はまだ無い。",
    # Korean
    "안녕하세요 세계", "한국어 문장을 토큰화합니다.", "서울특별시 강남구",
    # Arabic, Hebrew, RTL
    "مرحبا بالعالم", "اللغة العربية جميلة جداً.", "שלום עולם", "עברית ו-English ביחד", "\u200fRTL mark\u200e",
    # Other scripts
    "Привет, мир! Как дела?", "Ελληνικά γράμματα αβγ", "नमस्ते दुनिया", "ภาษาไทยไม่มีช่องว่าง", "Tiếng Việt có dấu",
    "ქართული ენა", "Հայերեն", "ᐃᓄᒃᑎᑐᑦ", "𐌰𐌱𐌲 Gothic", "𝔘𝔫𝔦𝔠𝔬𝔡𝔢 𝕄𝕒𝕥𝕙 𝒜𝒷𝒸",
    # emoji and ZWJ sequences
    "😀", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "👩🏾‍💻", "🇯🇵🇨🇳🇰🇷", "❤️", "🫠🫡", "1️⃣ #️⃣", "I ❤️ 🍕 and 🍣!",
    "🧑‍🚀 to the 🌕", "emoji🙂inside🙃words",
    # code
    "def foo(x):\n    return x * 2\n", "for (int i = 0; i < n; ++i) {\n\tsum += a[i];\n}",
    "fn main() {\n    println!(\"Hello, {}!\", name);\n}", "const f = async (a, b) => { await g(a ?? b); };",
    "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"hi\") }",
    "SELECT id, name FROM users WHERE age >= 18 ORDER BY name;", "<div class=\"a\">&nbsp;&lt;tag&gt;</div>",
    "#include <vector>\nstd::vector<int> v{1, 2, 3};", "x = [i**2 for i in range(10) if i % 2 == 0]",
    "if __name__ == '__main__':\n    main()", "    indented\n        more\n\t\ttabs", "// comment\n/* block */ /** doc */",
    "{\"key\": [1, 2.5, null, true], \"nested\": {\"a\": \"b\"}}", "a+=1;b-=2;c*=3;d/=4;e%=5;f<<=1;g>>=2",
    "$ echo $HOME && ls -la | grep '^d'", "λx. x + 1", "∀x∈ℝ: x² ≥ 0 ⇒ √(x²) = |x|",
    # whitespace runs
    " ", "  ", "   ", "\t", "\t\t", "\n", "\n\n", "\n\n\n", "\r\n", " \n", "\n ", "  \n  \n", "\t \t", "a  b   c    d",
    "line one\nline two\r\nline three\rend", "trailing spaces   ", "   leading spaces", "\u00a0non-breaking\u00a0space",
    "\u3000ideographic\u3000space", "\u2028line sep\u2029para sep", "\u2003em\u2002en\u2009thin", "\x0bvtab\x0cff",
    # unusual but valid UTF-8
    "\ufeffBOM at start", "zero\u200bwidth\u200cnon\u200djoiner", "e\u0301 vs \u00e9", "A\u030a\u212b\u00c5",
    "\u1100\u1161\u11a8 (jamo)", "\ufb01 ligature \ufb02", "\uffff\ufffe noncharacters", "\ue000\uf8ff private use",
    "\U0010fffd plane 16", "\U0001d11e musical", "\x01\x02\x1f control chars", "\x7f DEL", "\u00ad soft hyphen",
    "combining: a\u0300\u0301\u0302\u0303", "Zalgo: Z\u0351\u036b\u0343a\u035b\u0304l\u0310g\u0367o",
    "tone marks: ก่ ก้ ก๊ ก๋", "ꙮ", "\u0600\u0601 arabic number sign", "\U0001f3fb lone skin tone",
]


def special_tokens(tok):
    """The added tokens' texts, specials first."""
    added = tok.get_added_tokens_decoder()
    return [t.content for _, t in sorted(added.items())]


def whitespace_runs(rng):
    chars = [" ", "\t", "\n", "\r\n", "\u3000", "\u00a0"]
    return "".join(rng.choice(chars) for _ in range(rng.randint(1, 12)))


def digit_runs(rng):
    return "".join(rng.choice("0123456789") for _ in range(rng.randint(1, 20)))


def random_codepoints(rng):
    """Random valid scalar values from several ranges (no surrogates)."""
    ranges = [(0x20, 0x7e), (0xa0, 0x24f), (0x370, 0x52f), (0x590, 0x6ff), (0x900, 0x97f),
              (0x3040, 0x30ff), (0x4e00, 0x9fa5), (0xac00, 0xd7a3), (0x1f300, 0x1faff),
              (0x10000, 0x1007f), (0xe000, 0xe0ff), (0x2000, 0x206f)]
    out = []
    for _ in range(rng.randint(1, 16)):
        lo, hi = rng.choice(ranges)
        out.append(chr(rng.randint(lo, hi)))
    return "".join(out)


def build_strings(specials, count, seed):
    rng = random.Random(seed)
    strings = list(FRAGMENTS)
    # specials alone, glued to words, surrounded by spaces and newlines
    for s in specials[:40]:
        strings += [s, f"Hello{s}world", f" {s} ", f"\n{s}\n", f"{s}{s}", f"text {s}more text"]
    seps = ["", " ", "  ", "\n", "\t", ", ", ". ", "\n\n"]
    generators = [lambda: rng.choice(FRAGMENTS), lambda: whitespace_runs(rng),
                  lambda: digit_runs(rng), lambda: random_codepoints(rng),
                  lambda: rng.choice(specials) if specials else "x"]
    weights = [70, 8, 8, 10, 4]
    while len(strings) < count:
        n = rng.randint(1, 5)
        parts = [rng.choices(generators, weights)[0]() for _ in range(n)]
        strings.append("".join(p + rng.choice(seps) for p in parts).rstrip(" ") or " ")
    # dedupe, keep order
    seen, unique = set(), []
    for s in strings:
        if s not in seen:
            seen.add(s)
            unique.append(s)
    return unique


def main():
    ap = argparse.ArgumentParser()
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap.add_argument("--shared", default=os.path.join(root, "..", "shared"))
    ap.add_argument("--count", type=int, default=2400)
    ap.add_argument("--out", default=os.path.join(root, "tests", "data", "tokenizer", "hf"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    for name in NAMES:
        path = os.path.join(args.shared, "testdata", "tokenizers", name, "tokenizer.json.gz")
        with gzip.open(path, "rt", encoding="utf-8") as f:
            tok = Tokenizer.from_str(f.read())
        specials = special_tokens(tok)
        strings = build_strings(specials, args.count, seed=sum(name.encode()) * 7919)
        out_path = os.path.join(args.out, f"{name}.jsonl")
        lossless = 0
        with open(out_path, "w", encoding="utf-8", newline="\n") as out:
            for text in strings:
                ids = tok.encode(text, add_special_tokens=False).ids
                decoded = tok.decode(ids, skip_special_tokens=False)
                lossless += decoded == text
                out.write(json.dumps({"text": text, "ids": ids, "decoded": decoded},
                                     ensure_ascii=False) + "\n")
        print(f"{name}: {len(strings)} strings ({lossless} round-trip exactly) -> {out_path}"
              f" [tokenizers {tokenizers.__version__}]", file=sys.stderr)


if __name__ == "__main__":
    main()

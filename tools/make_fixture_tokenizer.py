#!/usr/bin/env python3
"""Gives every model fixture in tests/data/models/ a tokenizer (tokenizer.json +
tokenizer_config.json) so each is a complete Hugging Face folder, and writes
model.gguf next to it with tools/convert_hf_to_gguf.py (F32, llama.cpp layout).

The tokenizer is a 512-token byte-level BPE (the fixtures' vocab size) with
<pad>/<s>/</s> at ids 0/1/2 (the fixtures' bos/eos ids), trained with Hugging Face
`tokenizers` on Jane Austen (Debian's r-cran-janeaustenr) like the demo model's.

Usage: python3 tools/make_fixture_tokenizer.py
"""
import glob
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "demo_model"))
from prepare import austen_books, train_tokenizer  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CHAT_TEMPLATE = ("{% for m in messages %}{{ '<s>' + m['role'] + '\\n' + m['content'] + '</s>\\n' }}{% endfor %}"
                 "{% if add_generation_prompt %}{{ '<s>assistant\\n' }}{% endif %}")


def main():
    books = austen_books()
    tok = train_tokenizer(list(books.values()), 512, specials=["<pad>", "<s>", "</s>"], bos="<s>")
    assert tok.get_vocab_size() == 512 and tok.token_to_id("<s>") == 1 and tok.token_to_id("</s>") == 2
    config = {"bos_token": "<s>", "eos_token": "</s>", "pad_token": "<pad>", "add_bos_token": True,
              "add_eos_token": False, "chat_template": CHAT_TEMPLATE,
              "tokenizer_class": "PreTrainedTokenizerFast"}
    for folder in sorted(glob.glob(os.path.join(ROOT, "tests", "data", "models", "*"))):
        tok.save(os.path.join(folder, "tokenizer.json"))
        with open(os.path.join(folder, "tokenizer_config.json"), "w") as f:
            json.dump(config, f, indent=2)
        subprocess.run([sys.executable, os.path.join(ROOT, "tools", "convert_hf_to_gguf.py"), folder,
                        os.path.join(folder, "model.gguf"), "--outtype", "f32"], check=True)


if __name__ == "__main__":
    main()

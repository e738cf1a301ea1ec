#!/usr/bin/env python3
"""End-to-end tests of the `loka` program's tokenizer and chat-template
subcommands, against expected values from independent implementations:
Hugging Face `tokenizers` (tests/data/tokenizer/hf/*.jsonl), llama.cpp's vocab
test vectors and Python jinja2 (tests/data/chat_templates/).

Usage: test_cli.py PATH_TO_LOKA   (exit 77 = skipped: ../shared/testdata absent)
"""
import gzip
import json
import os
import shutil
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TESTDATA = os.path.join(ROOT, "..", "shared", "testdata")
LOKA = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "build", "tools", "cli", "loka")
# Sanitizer builds load tokenizers ~10x slower: LOKA_TEST_QUICK=1 keeps a few cases of each kind.
QUICK = os.environ.get("LOKA_TEST_QUICK") == "1"
failures = []


def run(*args, input_bytes=None):
    p = subprocess.run([LOKA, *args], input=input_bytes, capture_output=True)
    return p.returncode, p.stdout.decode("utf-8", "surrogateescape"), p.stderr.decode("utf-8", "replace")


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL:", what)


def hf_folder(tmp, name):
    d = os.path.join(tmp, name)
    os.makedirs(d)
    with gzip.open(os.path.join(TESTDATA, "tokenizers", name, "tokenizer.json.gz"), "rb") as src, \
            open(os.path.join(d, "tokenizer.json"), "wb") as dst:
        shutil.copyfileobj(src, dst)
    shutil.copy(os.path.join(TESTDATA, "tokenizers", name, "tokenizer_config.json"), d)
    return d


def special_prefix(folder):
    """Ids transformers' AutoTokenizer puts before a single sequence: LlamaTokenizerFast
    rebuilds its post-processor from add_bos_token; otherwise tokenizer.json's
    TemplateProcessing decides."""
    tj = json.load(open(os.path.join(folder, "tokenizer.json"), encoding="utf-8"))
    config = json.load(open(os.path.join(folder, "tokenizer_config.json"), encoding="utf-8"))
    if config.get("tokenizer_class") == "LlamaTokenizerFast" and "add_bos_token" in config:
        bos = config["bos_token"]
        bos = bos["content"] if isinstance(bos, dict) else bos
        ids = [t["id"] for t in tj["added_tokens"] if t["content"] == bos]
        return ids if config["add_bos_token"] else []
    pp = tj.get("post_processor") or {}
    procs = pp.get("processors", [pp]) if pp.get("type") == "Sequence" else [pp]
    ids = []
    for proc in procs:
        if proc.get("type") != "TemplateProcessing":
            continue
        for piece in proc["single"]:
            if "SpecialToken" in piece:
                ids += proc["special_tokens"][piece["SpecialToken"]["id"]]["ids"]
            else:
                break
    return ids


def test_hf_tokenizers(tmp):
    for name in ("llama3", "qwen3", "deepseek-v3"):
        folder = hf_folder(tmp, name)
        if QUICK and name != "qwen3":
            continue
        lines = [json.loads(l) for l in open(os.path.join(ROOT, "tests", "data", "tokenizer", "hf", f"{name}.jsonl"),
                                              encoding="utf-8")]
        # Texts safe to pass as one argv entry (no NUL); every 250th line keeps this quick (each call loads the tokenizer).
        for case in lines[::250][:2 if QUICK else None]:
            rc, out, err = run("tokenize", "-m", folder, "-p", case["text"])
            got = [int(x) for x in out.split()] if rc == 0 else err
            check(got == case["ids"], f"{name} tokenize {case['text']!r}: {got} != {case['ids']}")
            if case["ids"]:
                rc, out, err = run("detokenize", "-m", folder, *map(str, case["ids"]))
                check(rc == 0 and out == case["decoded"] + "\n", f"{name} detokenize {case['ids']}: {out!r} {err}")
        # -f reads a file; --special adds what the post-processor adds.
        case = lines[6]
        path = os.path.join(tmp, f"{name}.txt")
        open(path, "w", encoding="utf-8").write(case["text"])
        rc, out, err = run("tokenize", "-m", folder, "-f", path, "--special")
        expected = special_prefix(folder) + case["ids"]
        check(rc == 0 and [int(x) for x in out.split()] == expected,
              f"{name} tokenize -f --special: {out.strip()} != {expected} {err}")


def test_gguf_vocab(tmp):
    for name in ("llama-bpe", "llama-spm"):
        gguf = os.path.join(tmp, f"{name}.gguf")
        with gzip.open(os.path.join(TESTDATA, "vocab", f"ggml-vocab-{name}.gguf.gz"), "rb") as src, \
                open(gguf, "wb") as dst:
            shutil.copyfileobj(src, dst)
        inputs = open(os.path.join(TESTDATA, "vocab", f"ggml-vocab-{name}.gguf.inp"), encoding="utf-8").read()
        inputs = inputs.split("\n__ggml_vocab_test__\n")
        outputs = open(os.path.join(TESTDATA, "vocab", f"ggml-vocab-{name}.gguf.out"), encoding="utf-8").read()
        outputs = outputs.split("\n")
        for text, ids in list(zip(inputs, outputs))[1:4 if QUICK else 12]:
            if not text:
                continue
            rc, out, err = run("tokenize", "-m", gguf, "-p", text)
            check(rc == 0 and out.split() == ids.split(), f"{name} gguf tokenize {text!r}: {out.strip()} != {ids} {err}")


def test_errors(tmp):
    rc, out, err = run("tokenize", "-m", os.path.join(tmp, "missing"), "-p", "x")
    check(rc != 0 and "missing" in err, f"missing model: rc={rc} {err!r}")
    folder = os.path.join(tmp, "qwen3")
    bad = os.path.join(tmp, "bad.txt")
    open(bad, "wb").write(b"ok \xff bad")
    rc, out, err = run("tokenize", "-m", folder, "-f", bad)
    check(rc != 0 and "offset 3" in err, f"invalid UTF-8: rc={rc} {err!r}")
    rc, out, err = run("detokenize", "-m", folder, "999999999")
    check(rc != 0 and "999999999" in err, f"unknown id: rc={rc} {err!r}")
    rc, out, err = run("tokenize", "-m", folder)
    check(rc != 0, f"no text: rc={rc}")


def test_chat_template(tmp):
    """The three tokenizer_config.json templates and two .jinja files through the CLI;
    expected renderings from jinja2 (tools/make_chat_template_fixtures.py)."""
    with gzip.open(os.path.join(ROOT, "tests", "data", "chat_templates", "expected.json.gz"), "rt",
                   encoding="utf-8") as f:
        reference = json.load(f)
    now = reference["now"].replace("T", " ")
    wanted = {"tokenizer:llama3", "tokenizer:qwen3", "tokenizer:deepseek-v3",
              "deepseek-ai-DeepSeek-R1-Distill-Qwen-32B.jinja", "Qwen-Qwen3-0.6B.jinja"}
    for template in reference["templates"]:
        if template["name"] not in wanted:
            continue
        if template["name"].startswith("tokenizer:"):
            model = ["-m", os.path.join(tmp, template["name"].split(":")[1])]
        else:
            model = ["-m", os.path.join(TESTDATA, "chat-templates", template["name"]),
                     "--bos", template["variables"]["bos_token"], "--eos", template["variables"]["eos_token"]]
        for case in template["cases"]:
            if case["conversation"] not in (("tools_call",) if QUICK else ("system_user", "tools_call", "invalid_roles")):
                continue
            conv = reference["conversations"][case["conversation"]]
            msgs = os.path.join(tmp, "messages.json")
            json.dump(conv, open(msgs, "w", encoding="utf-8"), ensure_ascii=False)
            args = ["chat-template", *model, "-f", msgs, "--now", now]
            if case["add_generation_prompt"]:
                args.append("--add-generation-prompt")
            rc, out, err = run(*args)
            what = f"chat-template {template['name']} {case['conversation']} agp={case['add_generation_prompt']}"
            if "text" in case["result"]:
                check(rc == 0 and out == case["result"]["text"], f"{what}: {out!r} != {case['result']['text']!r} {err}")
            else:
                check(rc != 0 and "error" in err, f"{what}: expected an error, got rc={rc} {out!r}")


def main():
    if not os.path.isdir(TESTDATA):
        print("SKIP: ../shared/testdata is absent")
        return 77
    with tempfile.TemporaryDirectory() as tmp:
        test_hf_tokenizers(tmp)
        test_chat_template(tmp)
        test_gguf_vocab(tmp)
        test_errors(tmp)
    print(f"{len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

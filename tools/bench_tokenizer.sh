#!/usr/bin/env bash
# Tokenizer encode throughput, loka vs Hugging Face tokenizers, single thread, on
# the mixed corpus; both print an id checksum, which must agree.
# Usage: tools/bench_tokenizer.sh [BUILD_DIR]   (needs ../shared/testdata)
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
python3 tools/make_tokenizer_corpus.py "$work/corpus.bin"
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; date: $(date -u +%F)"
for name in llama3 qwen3 deepseek-v3; do
  src="../shared/testdata/tokenizers/$name"
  mkdir -p "$work/$name"
  gzip -dc "$src/tokenizer.json.gz" >"$work/$name/tokenizer.json"
  cp "$src/tokenizer_config.json" "$work/$name/"
  echo "== $name"
  ours=$("$build/bench/bench_tokenizer" "$work/$name" "$work/corpus.bin" 3)
  theirs=$(python3 tools/bench_tokenizer_hf.py "$work/$name/tokenizer.json" "$work/corpus.bin" --repeat 3)
  echo "$ours"; echo "$theirs"
  [ "${ours##*checksum }" = "${theirs##*checksum }" ] && echo "ids: identical" || echo "ids: DIFFER"
done

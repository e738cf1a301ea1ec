#!/usr/bin/env bash
# Builds loka and runs every test: a normal build, then an ASan+UBSan build.
# Usage: tools/test.sh [--no-sanitize]
set -euo pipefail
cd "$(dirname "$0")/.."

tools/install_deps.sh

jobs="${LOKA_JOBS:-2}"
run_suite() {
  local dir="$1"; shift
  cmake -S . -B "$dir" -G Ninja -DLOKA_BUILD_BENCH=ON "$@" >/dev/null
  ninja -C "$dir" -j "$jobs"
  ctest --test-dir "$dir" --output-on-failure -j "$jobs"
}

echo "== release build and tests"
run_suite build -DCMAKE_BUILD_TYPE=Release
build/tests/loka_tests "[conformance]" 2>/dev/null | sed -n '/^conformance vs float64/,$p'

if [ "${1:-}" != "--no-sanitize" ]; then
  echo "== ASan + UBSan build and tests"
  LOKA_TEST_QUICK=1 ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
    run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DLOKA_SANITIZE=address,undefined \
      -DLOKA_BUILD_BENCH=OFF -DLOKA_WITH_CUDA=OFF
fi

#!/usr/bin/env bash
# On a machine with an NVIDIA GPU: builds (or takes prebuilt binaries from tools/gpu_bundle.sh),
# runs the CUDA tests (conformance against float64, model fixtures against transformers,
# memory/OOM tests), compute-sanitizer memcheck on them, and the generation benchmark on a
# random Llama-3-8B-shaped BF16 model; writes everything to OUT/gpu_report.md.
# Usage: tools/gpu_check.sh [--prebuilt DIR] [--out DIR] [--no-sanitizer] [--no-bench]
set -uo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
prebuilt="" out="${OUT:-gpu-report}" sanitizer=1 bench=1
while [ $# -gt 0 ]; do
  case "$1" in
    --prebuilt) prebuilt="$2"; shift ;;
    --out) out="$2"; shift ;;
    --no-sanitizer) sanitizer=0 ;;
    --no-bench) bench=0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
mkdir -p "$out"
report="$out/gpu_report.md"

if [ -n "$prebuilt" ]; then
  for f in "$prebuilt"/lib/*.xz; do [ -e "$f" ] && xz -dc "$f" > "${f%.xz}"; done
  export LD_LIBRARY_PATH="$root/$prebuilt/lib:${LD_LIBRARY_PATH:-}"
  bin="$root/$prebuilt/bin"
  # The test binary looks for tests/data and the demo model under the source path it was
  # built in; point that path here.
  src=$(cat "$prebuilt/source_dir" 2>/dev/null || true)
  if [ -n "$src" ] && [ ! -e "$src" ]; then mkdir -p "$(dirname "$src")" && ln -s "$root" "$src"; fi
else
  cmake -S . -B build-gpu -G Ninja -DCMAKE_BUILD_TYPE=Release -DLOKA_WITH_CUDA=ON \
    -DLOKA_CUDA_ARCHITECTURES=90-real >/dev/null && ninja -C build-gpu loka_cuda loka_tests \
    bench_cuda_generate bench_cuda_gemv bench_cuda_attention_decode bench_cuda_open_chunks loka_cli || exit 1
  bin="$root/build-gpu"
  ln -sf "$root/build-gpu/tests/loka_tests" "$root/build-gpu/loka_tests"
  ln -sf "$root/build-gpu/bench/bench_cuda_generate" "$root/build-gpu/bench_cuda_generate"
  ln -sf "$root/build-gpu/bench/bench_cuda_gemv" "$root/build-gpu/bench_cuda_gemv"
  ln -sf "$root/build-gpu/bench/bench_cuda_attention_decode" "$root/build-gpu/bench_cuda_attention_decode"
  ln -sf "$root/build-gpu/bench/bench_cuda_open_chunks" "$root/build-gpu/bench_cuda_open_chunks"
fi

section() { printf '\n## %s\n\n```\n' "$1" >> "$report"; }
endsection() { printf '```\n' >> "$report"; }

{
  echo "# loka GPU check — $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "commit: $(cat "$prebuilt/commit" 2>/dev/null || git rev-parse --short HEAD 2>/dev/null || echo unknown)"
} > "$report"
section "device"
nvidia-smi --query-gpu=name,memory.total,driver_version,clocks.max.sm --format=csv >> "$report" 2>&1
endsection

status=0
section "tests: [cuda] and [conformance] (CPU and CUDA backends)"
"$bin/loka_tests" "[cuda],[conformance]" > "$out/tests.log" 2>&1 || status=1
tail -n 40 "$out/tests.log" >> "$report"
"$bin/loka_tests" "[conformance]" 2>/dev/null | sed -n '/^conformance vs float64/,$p' > "$out/conformance_table.txt"
endsection

if [ "$sanitizer" = 1 ]; then
  # The out-of-memory test ([oom]) makes allocations fail on purpose, which memcheck
  # reports as API errors: it runs in the plain test pass only.
  section "compute-sanitizer memcheck on the [cuda] tests and CUDA conformance (less [oom])"
  compute-sanitizer --tool memcheck --leak-check full --error-exitcode 3 \
    "$bin/loka_tests" "[cuda]~[oom],[conformance]" > "$out/memcheck.log" 2>&1 || status=1
  tail -n 15 "$out/memcheck.log" >> "$report"
  endsection
fi

if [ "$bench" = 1 ]; then
  model=/tmp/loka-llama3-8b-bf16
  [ -f "$model/model.safetensors" ] || python3 tools/make_bench_model.py "$model" --preset llama3-8b >/dev/null
  section "bench: Llama-3-8B shapes, BF16, prompt 512, 128 generated (bench_cuda_generate $model 512 128 3)"
  "$bin/bench_cuda_generate" "$model" 512 128 3 >> "$report" 2>&1 || status=1
  endsection
  section "bench: the decode step's GEMVs, plain and fused (bench_cuda_gemv)"
  "$bin/bench_cuda_gemv" >> "$report" 2>&1 || status=1
  endsection
  section "bench: the decode step's attention (bench_cuda_attention_decode)"
  "$bin/bench_cuda_attention_decode" >> "$report" 2>&1 || status=1
  endsection
  for suite in aes sm4; do
    section "bench: sealed chunks opened on the GPU, $suite (bench_cuda_open_chunks $suite)"
    "$bin/bench_cuda_open_chunks" "$suite" >> "$report" 2>&1 || status=1
    endsection
  done
fi
echo "status: $status" >> "$report"
cat "$report"
exit $status

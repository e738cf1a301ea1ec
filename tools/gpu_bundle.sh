#!/usr/bin/env bash
# Builds the CUDA-enabled binaries here and gathers them, with the shared libraries a bare
# CUDA machine lacks (oneDNN, utf8proc, ...), into one folder that tools/gpu_check.sh can run
# from (`--prebuilt DIR`) on a GPU machine without loka's build dependencies.
# Usage: tools/gpu_bundle.sh [BUILD_DIR=build-cuda] [OUT_DIR=.gpu]
set -euo pipefail
cd "$(dirname "$0")/.."
build="${1:-build-cuda}"
out="${2:-.gpu}"
cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DLOKA_WITH_CUDA=ON \
  -DLOKA_BUILD_BENCH=ON >/dev/null
ninja -C "$build" -j "${LOKA_JOBS:-2}" loka loka_cuda loka_c loka_tests bench_cuda_generate bench_cuda_gemv bench_cuda_attention_decode bench_cuda_open_chunks bench_sealed loka_cli
rm -rf "$out"
mkdir -p "$out/bin" "$out/lib"
cp "$build/tests/loka_tests" "$build/bench/bench_cuda_generate" "$build/bench/bench_cuda_gemv" "$build/bench/bench_cuda_attention_decode" "$build/bench/bench_cuda_open_chunks" "$build/bench/bench_sealed" "$build/tools/cli/loka" "$out/bin/"
cp -P "$build"/lib/libloka.so* "$build/lib/libloka_cuda.so" "$out/lib/"
cp -P "$build"/capi/libloka_c.so* "$out/lib/" 2>/dev/null || true
# Libraries outside the C/C++ runtime and CUDA, which the GPU machine brings itself.
for dep in $(ldd "$out/bin/loka_tests" "$out/lib/libloka.so" | awk '/=> \//{print $3}' | sort -u); do
  case "$(basename "$dep")" in
    libc.so*|libm.so*|libpthread.so*|libdl.so*|librt.so*|ld-linux*|libstdc++.so*|libgcc_s.so*) ;;
    libcuda*|libcublas*|libcudart*) ;;
    libloka*) ;;
    *) xz -T2 -c "$dep" > "$out/lib/$(basename "$dep").xz" ;;
  esac
done
pwd > "$out/source_dir"  # the source path compiled into the tests
git rev-parse --short HEAD > "$out/commit"
du -sh "$out"

// Bandwidth-bound matrix-vector product for decode (few activation rows, weights
// [N, K] in f32, f16 or bf16): each weight row is read from memory once.
#pragma once

#include <cstdint>

#include "core/dtype.h"

namespace loka {
class ThreadPool;
}

namespace loka::cpu {

/// Largest M that gemv() takes (a multiple of 4). bench_gemv measures both paths: with f32
/// weights, or 16-bit weights oneDNN would widen to f32, the GEMV wins up to M = 16 (AVX2
/// EPYC, AVX-512 Sapphire Rapids); where oneDNN multiplies bf16 natively (AMX, AVX512-BF16)
/// it wins from M = 8, so matmul stops at kGemvMaxRowsNative16 there.
constexpr int64_t kGemvMaxRows = 16;
constexpr int64_t kGemvMaxRowsNative16 = 4;

/// Whether matmul should send an M-row product with [N, K] weights of w_dtype to gemv()
/// rather than to oneDNN, which would compute it in onednn_dtype.
inline bool gemv_preferred(int64_t M, DType w_dtype, DType onednn_dtype) {
  const bool native16 = w_dtype != DType::kF32 && onednn_dtype == w_dtype;
  return M <= (native16 ? kGemvMaxRowsNative16 : kGemvMaxRows);
}

struct GemvArgs {
  int64_t M = 0, N = 0, K = 0;
  const float* x = nullptr;  // x[m, k] at x[m * ldx + k]
  int64_t ldx = 0;
  DType w_dtype = DType::kF32;  // f32, f16 or bf16
  const void* w = nullptr;      // w[n, k] at element n * ldw + k
  int64_t ldw = 0;
  float* y = nullptr;  // y[m, n] at y[m * ldy + n]
  int64_t ldy = 0;
};

/// Kernel variants; kAuto is the best the CPU has (the others exist for tests and benchmarks).
enum class GemvIsa { kAuto, kPortable, kAvx2, kAvx512 };
bool gemv_isa_available(GemvIsa isa);

/// y = x * w^T for M <= kGemvMaxRows, split over N across the pool's threads. Throws
/// kUnsupported for an ISA this CPU lacks.
void gemv(const GemvArgs& args, ThreadPool& pool, GemvIsa isa = GemvIsa::kAuto);

}  // namespace loka::cpu

// Bandwidth-bound matrix-vector product for decode (few activation rows, weights
// [N, K] in f32, f16 or bf16): each weight row is read from memory once.
#pragma once

#include <cstdint>

#include "core/dtype.h"

namespace loka {
class ThreadPool;
}

namespace loka::cpu {

/// Largest M that gemv() takes; above it oneDNN's GEMM is faster (bench_gemv measures both).
constexpr int64_t kGemvMaxRows = 4;

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

// oneDNN matmul for the CPU backend: engine, a cache of primitives keyed by shape, strides and
// dtypes (each planned once), conversion of operands oneDNN cannot take as they are.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/dtype.h"

namespace loka {
class ThreadPool;
}

namespace loka::cpu {

/// One 2-D product c[M, N] = a[M, K] * b(k, n), c in f32.
struct GemmArgs {
  int64_t M = 0, N = 0, K = 0;
  DType a_dtype = DType::kF32;  // f32, f16, bf16
  const void* a = nullptr;      // a[m, k] at element m * lda + k
  int64_t lda = 0;
  DType b_dtype = DType::kF32;  // f32, f16, bf16
  const void* b = nullptr;      // b(n, k) at element n * b_sn + k * b_sk; b_sn or b_sk is 1
  int64_t b_sn = 0, b_sk = 0;
  float* c = nullptr;  // c[m, n] at c[m * ldc + n]
  int64_t ldc = 0;
};

class MatmulEngine {
 public:
  /// oneDNN runs with `threads` OpenMP threads (set around each call, then restored).
  /// Weights widened to f32 go to oneDNN in column blocks of at most `weight_block_bytes`.
  explicit MatmulEngine(int threads, int64_t weight_block_bytes = int64_t{64} << 20);
  ~MatmulEngine();
  MatmulEngine(const MatmulEngine&) = delete;
  MatmulEngine& operator=(const MatmulEngine&) = delete;

  /// Runs one product; `pool` converts operands that oneDNN cannot use in place. Thread-safe.
  void gemm(const GemmArgs& args, ThreadPool& pool);

  /// The dtype the product of these operand dtypes is computed in (bf16 only on CPUs with
  /// AVX512-BF16, f16 only where oneDNN has a native f16 GEMM, otherwise f32).
  DType compute_dtype(DType a_dtype, DType b_dtype) const;
  /// oneDNN's implementation name for this product ("brg:avx2", "gemm:jit", ...).
  std::string implementation(const GemmArgs& args);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace loka::cpu

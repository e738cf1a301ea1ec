// Weight-streaming GEMV for decode: y[M, N] = x[M, K] W[N, K]^T for a few rows M, reading
// each weight byte once at close to the memory bandwidth.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "core/dtype.h"

namespace loka::cuda {

constexpr int64_t kGemvMaxRows = 8;

struct GemvArgs {
  int64_t m, n, k;
  const void* x;  // [m, k] f32/f16/bf16, row stride k
  DType x_dtype;
  const void* w;  // [n, k] f32/f16/bf16, row stride k
  DType w_dtype;
  void* y;        // [m, n] f32/f16/bf16, row stride n
  DType y_dtype;
};

void gemv(const GemvArgs& a, cudaStream_t stream);

/// The same product with w stored [k, n] (row stride n): one thread per output column.
void gemv_kn(const GemvArgs& a, cudaStream_t stream);

}  // namespace loka::cuda

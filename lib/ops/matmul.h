// Matrix multiplication front end: a[..., M, K] times a weight b, result [..., M, N].
#pragma once

#include "backend/backend.h"

namespace loka::ops {

/// c[..., m, n] = sum_k a[..., m, k] * b[..., n, k] (transpose_b, the Hugging Face weight
/// layout b[N, K]) or sum_k a[..., m, k] * b[..., k, n] (!transpose_b, b[K, N]).
///
/// a: f32, f16 or bf16, rank >= 2. b: f32, f16 or bf16, in its own dtype (weights are used in
/// place, e.g. straight from an mmap'd file); b's dtype need not equal a's. b may be 2-D
/// (shared by every matrix of a's batch) or carry batch dimensions that match a's trailing
/// batch dimensions, each equal or 1 (broadcast).
/// The result is f32 [..., M, N] (a's batch dimensions) unless `out` is given (f32, f16 or
/// bf16, that shape, contiguous). Products accumulate in f32; with mixed dtypes a backend may
/// round the activations to b's narrower dtype first (as bf16 GEMM units do).
/// Throws Error(kInvalidArgument) when K differs or the batch dimensions do not broadcast.
Tensor matmul(Backend& be, const Tensor& a, const Tensor& b, bool transpose_b = true,
              const Tensor* out = nullptr);

}  // namespace loka::ops

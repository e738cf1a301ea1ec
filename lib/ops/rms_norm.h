// RMSNorm, alone and fused with the residual add between transformer blocks.
#pragma once

#include "backend/backend.h"

namespace loka::ops {

/// out = x / sqrt(mean(x^2) + eps) * weight over the last dimension, computed
/// in f32. x[..., D] and weight[D] are f32/f16/bf16 (they may differ); the
/// result has x's dtype unless `out` is given (any float dtype, x's shape).
Tensor rms_norm(Backend& be, const Tensor& x, const Tensor& weight, float eps,
                const Tensor* out = nullptr);

struct RmsNormResidual {
  Tensor out;  // rms_norm(sum) * weight, in x's dtype
  Tensor sum;  // x + residual, in residual's dtype
};

/// sum = x + residual (rounded to residual's dtype), out = rms_norm(sum, weight):
/// one node, src {x, weight, residual}, dst {out, sum}. The norm reads the
/// rounded sum, so the result equals add() followed by rms_norm().
RmsNormResidual rms_norm_residual(Backend& be, const Tensor& x, const Tensor& residual,
                                  const Tensor& weight, float eps);
/// The same into given tensors: `out` (x's shape, a float dtype) and `sum` (residual's dtype
/// and shape), both contiguous; `sum` may be `residual` itself (the residual stream updated
/// in place between transformer blocks).
void rms_norm_residual(Backend& be, const Tensor& x, const Tensor& residual,
                       const Tensor& weight, float eps, const Tensor& out, const Tensor& sum);

}  // namespace loka::ops

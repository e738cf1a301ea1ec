// Softmax over the last dimension, with scale and an optional causal mask.
#pragma once

#include "backend/backend.h"

namespace loka::ops {

/// out[..., t, s] = softmax_s(p.scale * x[..., t, s]) over the last dimension,
/// computed in f32 with max subtraction. With p.causal, x is [..., T, S]
/// (S >= T) and column s of row t is masked (its output is 0) when
/// s > t + (S - T): query t sits at position S - T + t. The result has x's
/// dtype unless `out` is given (any float dtype, x's shape).
Tensor softmax(Backend& be, const Tensor& x, const SoftmaxParams& p, const Tensor* out = nullptr);

}  // namespace loka::ops

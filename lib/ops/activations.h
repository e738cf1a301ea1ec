// Activation functions of transformer MLPs: SwiGLU (silu(gate) * up) and GELU.
#pragma once

#include "backend/backend.h"

namespace loka::ops {

/// silu(gate) * up element-wise, silu(x) = x / (1 + e^-x), computed in f32.
/// gate and up: same shape, contiguous, f32/f16/bf16 (they may differ). The
/// result has gate's dtype unless `out` is given (any float dtype, gate's shape).
Tensor swiglu(Backend& be, const Tensor& gate, const Tensor& up, const Tensor* out = nullptr);

/// GELU as in PyTorch: x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2)), or with
/// p.tanh_approximation 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3))).
/// x: contiguous f32/f16/bf16; the result has x's dtype unless `out` is given
/// (any float dtype, x's shape).
Tensor gelu(Backend& be, const Tensor& x, const GeluParams& p = {}, const Tensor* out = nullptr);

}  // namespace loka::ops

// CPU GELU (erf form and tanh approximation) over f32 chunks.
#include <algorithm>
#include <cmath>
#include <variant>

#include "core/thread_pool.h"
#include "cpu/convert_rows.h"
#include "cpu/f32_view.h"
#include "cpu/kernel_registry.h"
#include "cpu/simd.h"
#include "cpu/vec_math.h"

namespace loka::cpu {
namespace {

constexpr int64_t kChunk = 4096;

// x * Phi(x) with Phi(x) = erfc(-x / sqrt 2) / 2. erfc(z) for z <= 0 is
// 2 - erfc(|z|); erfc(|z|) = t exp(-z^2 + P(t)), t = 1 / (1 + |z| / 2), is the
// Chebyshev fit of Numerical Recipes (relative error < 1.2e-7 for all z), so
// the negative tail keeps its relative accuracy instead of cancelling in 1 + erf.
LOKA_VECTORIZE void gelu_erf_f32(const float* x, float* out, int64_t n) {
  LOKA_SIMD
  for (int64_t i = 0; i < n; ++i) {
    const float v = x[i];
    const float z = v * -0.70710678118654752f;
    const float a = std::fabs(z);
    const float t = 1.0f / (1.0f + 0.5f * a);
    float p = 0.17087277f;
    p = p * t - 0.82215223f;
    p = p * t + 1.48851587f;
    p = p * t - 1.13520398f;
    p = p * t + 0.27886807f;
    p = p * t - 0.18628806f;
    p = p * t + 0.09678418f;
    p = p * t + 0.37409196f;
    p = p * t + 1.00002368f;
    p = p * t - 1.26551223f;
    const float tail = t * exp_f32(p - a * a);  // erfc(|z|)
    const float erfc_z = select_f32(z < 0, 2.0f - tail, tail);
    out[i] = 0.5f * v * erfc_z;
  }
}

// 0.5 x (1 + tanh(u)) = x * sigmoid(2u): no cancellation for negative x.
LOKA_VECTORIZE void gelu_tanh_f32(const float* x, float* out, int64_t n) {
  LOKA_SIMD
  for (int64_t i = 0; i < n; ++i) {
    const float v = x[i];
    const float u = 0.79788456080286536f * (v + 0.044715f * v * v * v);
    out[i] = v * sigmoid_f32(2.0f * u);
  }
}

bool supports_gelu(const OpNode& n) {
  return n.src.size() == 1 && n.dst.size() == 1 && n.src[0].is_contiguous() &&
         n.dst[0].is_contiguous() && n.src[0].numel() == n.dst[0].numel() &&
         is_float_dtype(n.src[0].dtype()) && is_float_dtype(n.dst[0].dtype()) &&
         std::holds_alternative<GeluParams>(n.params);
}

void run_gelu(const OpNode& n, CpuContext& ctx) {
  const Tensor &x = n.src[0], &out = n.dst[0];
  const bool tanh_form = std::get<GeluParams>(n.params).tanh_approximation;
  const int64_t total = x.numel();
  const size_t eo = dtype_info(out.dtype()).block_bytes;
  const int64_t chunks = (total + kChunk - 1) / kChunk;
  ctx.pool.parallel_for(chunks, 1, [&](int64_t c0, int64_t c1) {
    float xb[kChunk], ob[kChunk];
    for (int64_t c = c0; c < c1; ++c) {
      const int64_t i0 = c * kChunk, len = std::min(kChunk, total - i0);
      const float* in = f32_view(x, i0, len, xb);
      float* o = out.dtype() == DType::kF32 ? out.data_as<float>() + i0 : ob;
      if (tanh_form) {
        gelu_tanh_f32(in, o, len);
      } else {
        gelu_erf_f32(in, o, len);
      }
      if (o == ob) from_f32(out.dtype(), ob, static_cast<char*>(out.data()) + i0 * eo, len);
    }
  });
}

}  // namespace

LOKA_REGISTER_CPU_KERNEL(OpKind::kGelu, supports_gelu, run_gelu);

}  // namespace loka::cpu

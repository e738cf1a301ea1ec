// CPU RMSNorm (optionally fused with the residual add): rows converted to
// f32, a vectorized sum of squares, then scale by weight.
#include <cmath>
#include <vector>

#include "core/thread_pool.h"
#include "cpu/convert_rows.h"
#include "cpu/kernel_registry.h"
#include "cpu/simd.h"

namespace loka::cpu {
namespace {

LOKA_VECTORIZE void add_rows(float* x, const float* y, int64_t n) {
  LOKA_SIMD
  for (int64_t i = 0; i < n; ++i) x[i] += y[i];
}

// Accumulated in double: f32 partial sums lose ~1e-5 over rows of 16k+.
LOKA_VECTORIZE double sum_squares(const float* x, int64_t n) {
  double sum = 0.0;
#pragma omp simd reduction(+ : sum)
  for (int64_t i = 0; i < n; ++i) sum += static_cast<double>(x[i]) * x[i];
  return sum;
}

LOKA_VECTORIZE void scale_rows(float* x, const float* w, float scale, int64_t n) {
  LOKA_SIMD
  for (int64_t i = 0; i < n; ++i) x[i] = x[i] * scale * w[i];
}

bool supports_rms_norm(const OpNode& n) {
  const bool fused = n.src.size() == 3;
  if (!(n.src.size() == 2 || fused) || n.dst.size() != (fused ? 2u : 1u)) return false;
  if (!std::holds_alternative<RmsNormParams>(n.params)) return false;
  for (const auto* list : {&n.src, &n.dst}) {
    for (const Tensor& t : *list) {
      if (!t.is_contiguous() || !is_float_dtype(t.dtype())) return false;
    }
  }
  const Tensor& x = n.src[0];
  if (x.ndim() < 1 || x.dim(-1) <= 0 || n.src[1].numel() != x.dim(-1)) return false;
  for (const Tensor& t : n.dst) {
    if (t.shape() != x.shape()) return false;
  }
  return !fused || n.src[2].shape() == x.shape();
}

void run_rms_norm(const OpNode& n, CpuContext& ctx) {
  const Tensor &x = n.src[0], &weight = n.src[1], &out = n.dst[0];
  const bool fused = n.src.size() == 3;
  const float eps = std::get<RmsNormParams>(n.params).eps;
  const int64_t d = x.dim(-1);
  const int64_t rows = x.numel() / d;
  const size_t ex = dtype_info(x.dtype()).block_bytes, eo = dtype_info(out.dtype()).block_bytes;
  std::vector<float> w(static_cast<size_t>(d));
  to_f32(weight.dtype(), weight.data(), w.data(), d);
  ctx.pool.parallel_for(rows, 1, [&](int64_t r0, int64_t r1) {
    std::vector<float> row(static_cast<size_t>(d)), res(fused ? static_cast<size_t>(d) : 0);
    for (int64_t r = r0; r < r1; ++r) {
      to_f32(x.dtype(), static_cast<const char*>(x.data()) + r * d * ex, row.data(), d);
      if (fused) {
        const Tensor &residual = n.src[2], &sum = n.dst[1];
        const size_t er = dtype_info(residual.dtype()).block_bytes;
        const size_t es = dtype_info(sum.dtype()).block_bytes;
        to_f32(residual.dtype(), static_cast<const char*>(residual.data()) + r * d * er, res.data(),
               d);
        add_rows(row.data(), res.data(), d);
        char* sum_row = static_cast<char*>(sum.data()) + r * d * es;
        from_f32(sum.dtype(), row.data(), sum_row, d);
        // Normalize the sum as stored, so fused == add followed by rms_norm.
        to_f32(sum.dtype(), sum_row, row.data(), d);
      }
      const float scale = static_cast<float>(1.0 / std::sqrt(sum_squares(row.data(), d) / d + eps));
      scale_rows(row.data(), w.data(), scale, d);
      from_f32(out.dtype(), row.data(), static_cast<char*>(out.data()) + r * d * eo, d);
    }
  });
}

}  // namespace

LOKA_REGISTER_CPU_KERNEL(OpKind::kRmsNorm, supports_rms_norm, run_rms_norm);

}  // namespace loka::cpu

// CPU softmax over the last dimension: scale, causal mask, max subtraction,
// exp from vec_math.h so that the loops vectorize.
#include <algorithm>
#include <cstdint>
#include <limits>
#include <vector>

#include "core/thread_pool.h"
#include "cpu/convert_rows.h"
#include "cpu/kernel_registry.h"
#include "cpu/row_math.h"
#include "cpu/simd.h"
#include "cpu/vec_math.h"

namespace loka::cpu {
namespace {

// x[i] *= scale; returns max(x[0..n)).
LOKA_VECTORIZE float scale_and_max(float* x, float scale, int64_t n) {
  float m = -std::numeric_limits<float>::infinity();
#pragma omp simd reduction(max : m)
  for (int64_t i = 0; i < n; ++i) {
    x[i] *= scale;
    m = x[i] > m ? x[i] : m;
  }
  return m;
}

// x[i] = exp(x[i] - m); returns the sum, accumulated in double so that rows
// as long as a vocabulary (~150k) keep f32 accuracy.
LOKA_VECTORIZE double exp_and_sum(float* x, float m, int64_t n) {
  double sum = 0.0;
#pragma omp simd reduction(+ : sum)
  for (int64_t i = 0; i < n; ++i) {
    x[i] = exp_f32(x[i] - m);
    sum += x[i];
  }
  return sum;
}

bool supports_softmax(const OpNode& n) {
  if (n.src.size() != 1 || n.dst.size() != 1) return false;
  if (!std::holds_alternative<SoftmaxParams>(n.params)) return false;
  const Tensor &x = n.src[0], &out = n.dst[0];
  const bool causal = std::get<SoftmaxParams>(n.params).causal;
  return x.is_contiguous() && out.is_contiguous() && is_float_dtype(x.dtype()) &&
         is_float_dtype(out.dtype()) && out.shape() == x.shape() && x.ndim() >= (causal ? 2 : 1) &&
         x.dim(-1) > 0 && (!causal || x.dim(-1) >= x.dim(-2));
}

void run_softmax(const OpNode& n, CpuContext& ctx) {
  const Tensor &x = n.src[0], &out = n.dst[0];
  const SoftmaxParams p = std::get<SoftmaxParams>(n.params);
  const int64_t s = x.dim(-1);
  const int64_t t_rows = p.causal ? x.dim(-2) : 1;
  const int64_t rows = x.numel() / s;
  const size_t ex = dtype_info(x.dtype()).block_bytes, eo = dtype_info(out.dtype()).block_bytes;
  ctx.pool.parallel_for(rows, 1, [&](int64_t r0, int64_t r1) {
    std::vector<float> row(static_cast<size_t>(s));
    for (int64_t r = r0; r < r1; ++r) {
      to_f32(x.dtype(), static_cast<const char*>(x.data()) + r * s * ex, row.data(), s);
      // Causal: row t sees columns 0 .. t + (S - T); at least one since S >= T.
      const int64_t valid = p.causal ? r % t_rows + (s - t_rows) + 1 : s;
      const float m = scale_and_max(row.data(), p.scale, valid);
      const double sum = exp_and_sum(row.data(), m, valid);
      scale_row(row.data(), static_cast<float>(1.0 / sum), valid);
      std::fill(row.begin() + valid, row.end(), 0.0f);
      from_f32(out.dtype(), row.data(), static_cast<char*>(out.data()) + r * s * eo, s);
    }
  });
}

}  // namespace

LOKA_REGISTER_CPU_KERNEL(OpKind::kSoftmax, supports_softmax, run_softmax);

}  // namespace loka::cpu

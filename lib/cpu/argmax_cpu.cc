// CPU argmax: per row, a vectorized max of each chunk, then a scan of only
// the chunks that raise the maximum.
#include <algorithm>
#include <cstdint>
#include <limits>

#include "core/thread_pool.h"
#include "cpu/convert_rows.h"
#include "cpu/f32_view.h"
#include "cpu/kernel_registry.h"
#include "cpu/simd.h"

namespace loka::cpu {
namespace {

constexpr int64_t kChunk = 1024;

/// Largest non-NaN value of x[0, n) (-inf if none) and the number of NaNs.
LOKA_VECTORIZE float chunk_max(const float* x, int64_t n, int64_t* nans) {
  float m = -std::numeric_limits<float>::infinity();
  int64_t count = 0;
#pragma omp simd reduction(max : m) reduction(+ : count)
  for (int64_t i = 0; i < n; ++i) {
    m = x[i] > m ? x[i] : m;
    count += x[i] != x[i];
  }
  *nans = count;
  return m;
}

/// Argmax of elements [base, base + n) of contiguous x.
int32_t argmax_row(const Tensor& x, int64_t base, int64_t n, float* buf) {
  float best = 0;
  int64_t best_i = -1;
  for (int64_t i0 = 0; i0 < n; i0 += kChunk) {
    const int64_t len = std::min(kChunk, n - i0);
    const float* v = f32_view(x, base + i0, len, buf);
    int64_t nans = 0;
    const float m = chunk_max(v, len, &nans);
    if (nans > 0) {  // the first NaN wins
      const float* nan = std::find_if(v, v + len, [](float e) { return e != e; });
      return static_cast<int32_t>(i0 + (nan - v));
    }
    if (best_i < 0 || m > best) {
      best = m;
      best_i = i0 + (std::find(v, v + len, m) - v);
    }
  }
  return static_cast<int32_t>(best_i);
}

bool supports_argmax(const OpNode& n) {
  return n.src.size() == 1 && n.dst.size() == 1 && n.src[0].is_contiguous() &&
         n.dst[0].is_contiguous() && n.src[0].ndim() >= 1 && n.src[0].dim(-1) >= 1 &&
         is_float_dtype(n.src[0].dtype()) && n.dst[0].dtype() == DType::kI32 &&
         n.dst[0].numel() * n.src[0].dim(-1) == n.src[0].numel();
}

void run_argmax(const OpNode& n, CpuContext& ctx) {
  const Tensor &x = n.src[0], &out = n.dst[0];
  const int64_t cols = x.dim(-1), rows = out.numel();
  ctx.pool.parallel_for(rows, 1, [&](int64_t r0, int64_t r1) {
    float buf[kChunk];
    for (int64_t r = r0; r < r1; ++r) {
      out.data_as<int32_t>()[r] = argmax_row(x, r * cols, cols, buf);
    }
  });
}

}  // namespace

LOKA_REGISTER_CPU_KERNEL(OpKind::kArgmax, supports_argmax, run_argmax);

}  // namespace loka::cpu

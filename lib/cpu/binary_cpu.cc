// CPU add and mul: rows converted to f32, combined with a vectorized loop.
#include <vector>

#include "core/thread_pool.h"
#include "cpu/convert_rows.h"
#include "cpu/kernel_registry.h"
#include "cpu/simd.h"

namespace loka::cpu {
namespace {

LOKA_VECTORIZE void add_f32(float* x, const float* y, int64_t n) {
  LOKA_SIMD
  for (int64_t i = 0; i < n; ++i) x[i] += y[i];
}

LOKA_VECTORIZE void mul_f32(float* x, const float* y, int64_t n) {
  LOKA_SIMD
  for (int64_t i = 0; i < n; ++i) x[i] *= y[i];
}

bool supports_binary(const OpNode& n) {
  return n.src.size() == 2 && n.dst.size() == 1 && n.src[0].is_contiguous() &&
         n.src[1].is_contiguous() && is_float_dtype(n.src[0].dtype()) &&
         is_float_dtype(n.src[1].dtype()) && is_float_dtype(n.dst[0].dtype());
}

void run_binary(const OpNode& n, CpuContext& ctx) {
  const Tensor &a = n.src[0], &b = n.src[1], &out = n.dst[0];
  const int64_t row = b.numel();
  const int64_t rows = row == 0 ? 0 : a.numel() / row;
  const size_t ea = dtype_info(a.dtype()).block_bytes, eo = dtype_info(out.dtype()).block_bytes;
  std::vector<float> bf(static_cast<size_t>(row));
  to_f32(b.dtype(), b.data(), bf.data(), row);
  const bool is_add = n.kind == OpKind::kAdd;
  ctx.pool.parallel_for(rows, 1, [&](int64_t r0, int64_t r1) {
    std::vector<float> x(static_cast<size_t>(row));
    for (int64_t r = r0; r < r1; ++r) {
      to_f32(a.dtype(), static_cast<const char*>(a.data()) + r * row * ea, x.data(), row);
      if (is_add) {
        add_f32(x.data(), bf.data(), row);
      } else {
        mul_f32(x.data(), bf.data(), row);
      }
      from_f32(out.dtype(), x.data(), static_cast<char*>(out.data()) + r * row * eo, row);
    }
  });
}

}  // namespace

LOKA_REGISTER_CPU_KERNEL(OpKind::kAdd, supports_binary, run_binary);
LOKA_REGISTER_CPU_KERNEL(OpKind::kMul, supports_binary, run_binary);

}  // namespace loka::cpu

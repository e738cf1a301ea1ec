// matmul on CUDA: few-row products with [N, K] weights go to our GEMV (decode), the rest to
// cuBLASLt; mixed dtypes bring the activations to the weights' dtype first; batches loop.
#include <cuda_runtime.h>

#include <algorithm>

#include "convert.h"
#include "cuda_check.h"
#include "device_context.h"
#include "dtype_codes.h"
#include "gemm_cublaslt.h"
#include "gemv.h"
#include "kernel_registry.h"

namespace loka::cuda {
namespace {

bool supports_matmul(const OpNode& n) {
  if (n.src.size() != 2 || n.dst.size() != 1 || !std::holds_alternative<MatMulParams>(n.params)) {
    return false;
  }
  const Tensor &a = n.src[0], &b = n.src[1], &c = n.dst[0];
  if (!is_f16ish_or_f32(a.dtype()) || !is_f16ish_or_f32(b.dtype()) || !is_f16ish_or_f32(c.dtype())) return false;
  if (a.ndim() < 2 || b.ndim() < 2 || b.ndim() > a.ndim() || c.ndim() != a.ndim()) return false;
  const bool tb = std::get<MatMulParams>(n.params).transpose_b;
  const int64_t k = a.dim(-1), n_out = tb ? b.dim(-2) : b.dim(-1);
  return (tb ? b.dim(-1) : b.dim(-2)) == k && c.dim(-1) == n_out && c.dim(-2) == a.dim(-2);
}

struct Product {
  const void* a;  // [rows, k], a_dtype
  int64_t rows;
  const void* b;  // [n, k] or [k, n]
  void* c;        // [rows, n]
};

void product(DeviceContext& ctx, const Product& p, int64_t n, int64_t k, bool tb, DType at,
             DType bt, DType ct) {
  if (p.rows == 0 || n == 0) return;
  const size_t ce = dtype_info(ct).block_bytes;
  if (k == 0) {
    LOKA_CUDA(cudaMemsetAsync(p.c, 0, static_cast<size_t>(p.rows * n) * ce, ctx.stream()));
    return;
  }
  if (p.rows <= kGemvMaxRows) {
    (tb ? gemv : gemv_kn)({p.rows, n, k, p.a, at, p.b, bt, p.c, ct}, ctx.stream());
    return;
  }
  // cuBLASLt multiplies operands of one dtype: round the activations to a 16-bit weight's
  // dtype (what bf16/f16 GEMM units do anyway), or widen them to f32 for f32 weights.
  const void* a = p.a;
  Tensor converted;
  if (at != bt) {
    converted = ctx.temp(bt, {p.rows, k});
    convert_buffer(p.a, at, converted.data(), bt, p.rows * k, ctx.stream());
    a = converted.data();
  }
  // cuBLASLt writes f32 or the operands' own dtype; other outputs go through an f32 buffer.
  if (ct == DType::kF32 || ct == bt) {
    gemm(ctx, {p.rows, n, k, tb, bt, ct, a, k, p.b, tb ? k : n, p.c, n});
    return;
  }
  Tensor wide = ctx.temp(DType::kF32, {p.rows, n});
  gemm(ctx, {p.rows, n, k, tb, bt, DType::kF32, a, k, p.b, tb ? k : n, wide.data(), n});
  convert_buffer(wide.data(), DType::kF32, p.c, ct, p.rows * n, ctx.stream());
}

void run_matmul(const OpNode& node, DeviceContext& ctx) {
  const Tensor &a = node.src[0], &b = node.src[1], &c = node.dst[0];
  const bool tb = std::get<MatMulParams>(node.params).transpose_b;
  const int64_t m = a.dim(-2), k = a.dim(-1), n = c.dim(-1);
  const size_t ae = dtype_info(a.dtype()).block_bytes, be = dtype_info(b.dtype()).block_bytes;
  const size_t ce = dtype_info(c.dtype()).block_bytes;
  const int64_t b_batch = b.numel() / std::max<int64_t>(1, b.dim(-1) * b.dim(-2));
  const int64_t a_batch = m * k == 0 ? c.numel() / std::max<int64_t>(1, m * n) : a.numel() / (m * k);
  if (b_batch == 1) {  // one weight for every row of every batch: a single product
    product(ctx, {a.data(), a_batch * m, b.data(), c.data()}, n, k, tb, a.dtype(), b.dtype(),
            c.dtype());
    return;
  }
  // b's batch dimensions are a trailing part of a's, each equal to a's or 1.
  const int lead = a.ndim() - 2, skip = a.ndim() - b.ndim();
  for (int64_t i = 0; i < a_batch; ++i) {
    int64_t rest = i, b_index = 0, b_stride = 1;
    for (int d = lead - 1; d >= 0; --d) {
      const int64_t idx = rest % a.shape()[d];
      rest /= a.shape()[d];
      if (d >= skip) {
        const int64_t bd = b.shape()[d - skip];
        b_index += (bd == 1 ? 0 : idx) * b_stride;
        b_stride *= bd;
      }
    }
    product(ctx,
            {static_cast<const char*>(a.data()) + i * m * k * ae, m,
             static_cast<const char*>(b.data()) + b_index * n * k * be,
             static_cast<char*>(c.data()) + i * m * n * ce},
            n, k, tb, a.dtype(), b.dtype(), c.dtype());
  }
}

}  // namespace

LOKA_REGISTER_CUDA_KERNEL(OpKind::kMatMul, supports_matmul, run_matmul);

}  // namespace loka::cuda

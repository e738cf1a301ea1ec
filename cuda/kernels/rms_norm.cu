// RMSNorm over the last dimension, alone or fused with the residual add (sum = x + residual).
#include <algorithm>

#include "common.cuh"
#include "cuda_check.h"
#include "device_context.h"
#include "kernel_registry.h"

namespace loka::cuda {
namespace {

struct NormArgs {
  const void* x;
  int xdt;
  const void* weight;
  int wdt;
  const void* residual;  // null: plain rms_norm
  int rdt;
  void* out;
  int odt;
  void* sum;
  int64_t d;
  float eps;
};

constexpr int kPerThread = 8;  // row elements each thread keeps in registers

// One block per row. With a residual the block first writes sum (rounded to its dtype)
// and normalises the rounded values, so the result equals add() then rms_norm(). Rows of up
// to kPerThread * blockDim elements are loaded once, all loads in flight together (a decode
// row is latency-bound); longer rows stream twice.
__global__ void rms_norm_kernel(NormArgs a) {
  const int64_t base = blockIdx.x * a.d;
  const bool cached = a.d <= int64_t(kPerThread) * blockDim.x;
  float vals[kPerThread], weights[kPerThread];
  float ss = 0.0f;
  if (cached) {
    // The weights load with the row, not after the reduction: one memory round trip, not two.
#pragma unroll
    for (int j = 0; j < kPerThread; ++j) {
      const int64_t i = threadIdx.x + int64_t(j) * blockDim.x;
      vals[j] = i < a.d ? load_float(a.x, a.xdt, base + i) : 0.0f;
      weights[j] = i < a.d ? load_float(a.weight, a.wdt, i) : 0.0f;
      if (a.residual != nullptr && i < a.d) vals[j] += load_float(a.residual, a.rdt, base + i);
    }
#pragma unroll
    for (int j = 0; j < kPerThread; ++j) {
      const int64_t i = threadIdx.x + int64_t(j) * blockDim.x;
      if (a.residual != nullptr && i < a.d) {
        vals[j] = round_to(a.rdt, vals[j]);
        store_float(a.sum, a.rdt, base + i, vals[j]);
      }
      ss += vals[j] * vals[j];
    }
  } else {
    for (int64_t i = threadIdx.x; i < a.d; i += blockDim.x) {
      float v = load_float(a.x, a.xdt, base + i);
      if (a.residual != nullptr) {
        v = round_to(a.rdt, v + load_float(a.residual, a.rdt, base + i));
        store_float(a.sum, a.rdt, base + i, v);
      }
      ss += v * v;
    }
  }
  ss = block_sum(ss);
  const float inv = rsqrtf(ss / static_cast<float>(a.d) + a.eps);
  if (cached) {
#pragma unroll
    for (int j = 0; j < kPerThread; ++j) {
      const int64_t i = threadIdx.x + int64_t(j) * blockDim.x;
      if (i < a.d) store_float(a.out, a.odt, base + i, vals[j] * inv * weights[j]);
    }
    return;
  }
  for (int64_t i = threadIdx.x; i < a.d; i += blockDim.x) {
    const float v = a.residual != nullptr ? load_float(a.sum, a.rdt, base + i)
                                          : load_float(a.x, a.xdt, base + i);
    store_float(a.out, a.odt, base + i, v * inv * load_float(a.weight, a.wdt, i));
  }
}

bool supports_rms_norm(const OpNode& n) {
  if (!std::holds_alternative<RmsNormParams>(n.params)) return false;
  const bool fused = n.src.size() == 3 && n.dst.size() == 2;
  if (!fused && !(n.src.size() == 2 && n.dst.size() == 1)) return false;
  for (const Tensor& t : n.src) {
    if (!is_f16ish_or_f32(t.dtype())) return false;
  }
  for (const Tensor& t : n.dst) {
    if (!is_f16ish_or_f32(t.dtype()) || t.shape() != n.src[0].shape()) return false;
  }
  const Tensor &x = n.src[0], &w = n.src[1];
  if (x.ndim() < 1 || w.ndim() != 1 || w.dim(0) != x.dim(-1)) return false;
  return !fused || (n.src[2].shape() == x.shape() && n.dst[1].dtype() == n.src[2].dtype());
}

void run_rms_norm(const OpNode& n, DeviceContext& ctx) {
  const Tensor& x = n.src[0];
  const int64_t d = x.dim(-1), rows = d == 0 ? 0 : x.numel() / d;
  if (rows == 0) return;
  const bool fused = n.src.size() == 3;
  NormArgs a{x.data(), dt_code(x.dtype()), n.src[1].data(), dt_code(n.src[1].dtype()),
             fused ? n.src[2].data() : nullptr, fused ? dt_code(n.src[2].dtype()) : 0,
             n.dst[0].data(), dt_code(n.dst[0].dtype()), fused ? n.dst[1].data() : nullptr, d,
             std::get<RmsNormParams>(n.params).eps};
  LOKA_CHECK(rows <= 0x7fffffff, ErrorCode::kUnsupported, "rms_norm: too many rows");
  // Four elements per thread when the row allows, in whole warps, 1024 threads at most.
  const int64_t want = (d + 3) / 4;
  const int threads = static_cast<int>(std::min<int64_t>(1024, std::max<int64_t>(32, (want + 31) / 32 * 32)));
  rms_norm_kernel<<<static_cast<unsigned>(rows), threads, 0, ctx.stream()>>>(a);
  LOKA_CUDA_LAUNCHED();
}

}  // namespace

LOKA_REGISTER_CUDA_KERNEL(OpKind::kRmsNorm, supports_rms_norm, run_rms_norm);

}  // namespace loka::cuda

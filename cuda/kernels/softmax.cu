// Softmax over rows of scale * x, with the causal mask of [..., T, S] matrices.
#include <cmath>

#include "common.cuh"
#include "cuda_check.h"
#include "device_context.h"
#include "kernel_registry.h"

namespace loka::cuda {
namespace {

// One block per row; row r of a T x S matrix keeps columns c <= r % T + S - T when causal.
__global__ void softmax_kernel(const void* x, int xdt, void* out, int odt, int64_t t, int64_t s,
                               float scale, bool causal) {
  const int64_t row = blockIdx.x, base = row * s;
  const int64_t last = causal ? row % t + s - t : s - 1;  // inclusive
  float m = -INFINITY;
  for (int64_t c = threadIdx.x; c <= last; c += blockDim.x) {
    m = fmaxf(m, load_float(x, xdt, base + c) * scale);
  }
  m = block_max(m);
  float sum = 0.0f;
  for (int64_t c = threadIdx.x; c <= last; c += blockDim.x) {
    sum += expf(load_float(x, xdt, base + c) * scale - m);
  }
  sum = block_sum(sum);
  const float inv = 1.0f / sum;
  for (int64_t c = threadIdx.x; c < s; c += blockDim.x) {
    const float v = c <= last ? expf(load_float(x, xdt, base + c) * scale - m) * inv : 0.0f;
    store_float(out, odt, base + c, v);
  }
}

bool supports_softmax(const OpNode& n) {
  return n.src.size() == 1 && n.dst.size() == 1 && std::holds_alternative<SoftmaxParams>(n.params) &&
         is_f16ish_or_f32(n.src[0].dtype()) && is_f16ish_or_f32(n.dst[0].dtype()) &&
         n.src[0].ndim() >= 1 && n.dst[0].shape() == n.src[0].shape();
}

void run_softmax(const OpNode& n, DeviceContext& ctx) {
  const Tensor& x = n.src[0];
  const SoftmaxParams& p = std::get<SoftmaxParams>(n.params);
  const int64_t s = x.dim(-1), rows = s == 0 ? 0 : x.numel() / s;
  if (rows == 0) return;
  const int64_t t = x.ndim() >= 2 ? x.dim(-2) : 1;
  LOKA_CHECK(rows <= 0x7fffffff, ErrorCode::kUnsupported, "softmax: too many rows");
  softmax_kernel<<<static_cast<unsigned>(rows), s >= 1024 ? 512 : 128, 0, ctx.stream()>>>(
      x.data(), dt_code(x.dtype()), n.dst[0].data(), dt_code(n.dst[0].dtype()), t, s, p.scale,
      p.causal);
  LOKA_CUDA_LAUNCHED();
}

}  // namespace

LOKA_REGISTER_CUDA_KERNEL(OpKind::kSoftmax, supports_softmax, run_softmax);

}  // namespace loka::cuda

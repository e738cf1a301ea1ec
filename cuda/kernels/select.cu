// argmax and top_k per row. Order: NaN above every number, then larger values, then the
// smaller index among equals (the CPU backend's and the reference's order).
#include <cmath>

#include "common.cuh"
#include "cuda_check.h"
#include "device_context.h"
#include "kernel_registry.h"

namespace loka::cuda {
namespace {

struct Pick {
  float v;
  int32_t i;  // -1: nothing
};

__device__ __forceinline__ bool better(const Pick& a, const Pick& b) {
  if (a.i < 0) return false;
  if (b.i < 0) return true;
  const bool an = isnan(a.v), bn = isnan(b.v);
  if (an != bn) return an;
  if (!an && a.v != b.v) return a.v > b.v;
  return a.i < b.i;
}

__device__ Pick block_best(Pick p) {
  __shared__ float sv[32];
  __shared__ int32_t si[32];
  for (int o = 16; o > 0; o >>= 1) {
    Pick q{__shfl_xor_sync(0xffffffffu, p.v, o), __shfl_xor_sync(0xffffffffu, p.i, o)};
    if (better(q, p)) p = q;
  }
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  __syncthreads();
  if (lane == 0) {
    sv[warp] = p.v;
    si[warp] = p.i;
  }
  __syncthreads();
  p = lane < int(blockDim.x >> 5) ? Pick{sv[lane], si[lane]} : Pick{0.0f, -1};
  for (int o = 16; o > 0; o >>= 1) {
    Pick q{__shfl_xor_sync(0xffffffffu, p.v, o), __shfl_xor_sync(0xffffffffu, p.i, o)};
    if (better(q, p)) p = q;
  }
  return p;
}

// k rounds of a block-wide best pick, each among the elements ordered after the last pick.
__global__ void top_k_kernel(const void* x, int xdt, int64_t n, int64_t k, void* values,
                             int32_t* indices) {
  const int64_t row = blockIdx.x, base = row * n;
  Pick last{0.0f, -1};
  for (int64_t r = 0; r < k; ++r) {
    Pick p{0.0f, -1};
    for (int64_t c = threadIdx.x; c < n; c += blockDim.x) {
      const Pick q{load_float(x, xdt, base + c), static_cast<int32_t>(c)};
      if ((last.i < 0 || better(last, q)) && better(q, p)) p = q;
    }
    p = block_best(p);
    if (threadIdx.x == 0) {
      if (values != nullptr) store_float(values, xdt, row * k + r, p.v);
      indices[row * k + r] = p.i;
    }
    last = p;
  }
}

bool supports_argmax(const OpNode& n) {
  return n.src.size() == 1 && n.dst.size() == 1 && is_f16ish_or_f32(n.src[0].dtype()) &&
         n.dst[0].dtype() == DType::kI32 && n.src[0].ndim() >= 1 && n.src[0].dim(-1) >= 1 &&
         n.dst[0].numel() * n.src[0].dim(-1) == n.src[0].numel();
}

void launch(const Tensor& x, int64_t k, void* values, int32_t* indices, cudaStream_t stream) {
  const int64_t n = x.dim(-1), rows = x.numel() / n;
  if (rows == 0) return;
  LOKA_CHECK(rows <= 0x7fffffff && n <= 0x7fffffff, ErrorCode::kUnsupported,
             "top_k/argmax: too many rows or columns");
  top_k_kernel<<<static_cast<unsigned>(rows), n >= 4096 ? 1024 : 128, 0, stream>>>(
      x.data(), dt_code(x.dtype()), n, k, values, indices);
  LOKA_CUDA_LAUNCHED();
}

void run_argmax(const OpNode& n, DeviceContext& ctx) {
  launch(n.src[0], 1, nullptr, n.dst[0].data_as<int32_t>(), ctx.stream());
}

bool supports_top_k(const OpNode& n) {
  if (n.src.size() != 1 || n.dst.size() != 2 || !std::holds_alternative<TopKParams>(n.params)) {
    return false;
  }
  const Tensor& x = n.src[0];
  const int64_t k = std::get<TopKParams>(n.params).k;
  return is_f16ish_or_f32(x.dtype()) && x.ndim() >= 1 && k >= 1 && k <= x.dim(-1) &&
         n.dst[0].dtype() == x.dtype() && n.dst[1].dtype() == DType::kI32 &&
         n.dst[0].numel() == x.numel() / x.dim(-1) * k && n.dst[1].numel() == n.dst[0].numel();
}

void run_top_k(const OpNode& n, DeviceContext& ctx) {
  launch(n.src[0], std::get<TopKParams>(n.params).k, n.dst[0].data(), n.dst[1].data_as<int32_t>(),
         ctx.stream());
}

}  // namespace

LOKA_REGISTER_CUDA_KERNEL(OpKind::kArgmax, supports_argmax, run_argmax);
LOKA_REGISTER_CUDA_KERNEL(OpKind::kTopK, supports_top_k, run_top_k);

}  // namespace loka::cuda

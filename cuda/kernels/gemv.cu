// GEMV kernels: one warp per output column, 16-byte weight loads several deep, the few
// activation rows read through L1; f32 accumulation and a warp reduction.
#include <algorithm>

#include "common.cuh"
#include "cuda_check.h"
#include "gemv.h"

namespace loka::cuda {
namespace {

constexpr int kWarpsPerBlock = 8;

template <typename W>
struct WeightVec;  // 16 bytes of weights as floats
template <>
struct WeightVec<__nv_bfloat16> {
  static constexpr int kElems = 8;
  __device__ static void to_float(const uint4& r, float* f) {
    const auto* h = reinterpret_cast<const __nv_bfloat162*>(&r);
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const float2 v = __bfloat1622float2(h[i]);
      f[2 * i] = v.x;
      f[2 * i + 1] = v.y;
    }
  }
};
template <>
struct WeightVec<__half> {
  static constexpr int kElems = 8;
  __device__ static void to_float(const uint4& r, float* f) {
    const auto* h = reinterpret_cast<const __half2*>(&r);
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const float2 v = __half22float2(h[i]);
      f[2 * i] = v.x;
      f[2 * i + 1] = v.y;
    }
  }
};
template <>
struct WeightVec<float> {
  static constexpr int kElems = 4;
  __device__ static void to_float(const uint4& r, float* f) {
    const float* v = reinterpret_cast<const float*>(&r);
#pragma unroll
    for (int i = 0; i < 4; ++i) f[i] = v[i];
  }
};

// Vector path: k % E == 0 and 16-byte aligned rows of w (and of x when it is f32).
template <typename W, int M>
__global__ void __launch_bounds__(32 * kWarpsPerBlock)
    gemv_vec_kernel(const GemvArgs a, int xdt, int ydt) {
  constexpr int E = WeightVec<W>::kElems;
  constexpr int kUnroll = 4;
  const int lane = threadIdx.x & 31;
  const int64_t col = int64_t(blockIdx.x) * kWarpsPerBlock + (threadIdx.x >> 5);
  if (col >= a.n) return;
  const uint4* wrow = reinterpret_cast<const uint4*>(static_cast<const W*>(a.w) + col * a.k);
  const int64_t vecs = a.k / E;
  float acc[M];
#pragma unroll
  for (int m = 0; m < M; ++m) acc[m] = 0.0f;
  for (int64_t v0 = lane; v0 < vecs; v0 += 32 * kUnroll) {
    uint4 raw[kUnroll];
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      const int64_t v = v0 + 32 * u;
      raw[u] = v < vecs ? __ldg(wrow + v) : make_uint4(0, 0, 0, 0);
    }
#pragma unroll
    for (int u = 0; u < kUnroll; ++u) {
      const int64_t v = v0 + 32 * u;
      if (v >= vecs) break;
      float wf[E];
      WeightVec<W>::to_float(raw[u], wf);
      const int64_t k0 = v * E;
#pragma unroll
      for (int m = 0; m < M; ++m) {
        if (xdt == kDtF32) {
          const float4* xr = reinterpret_cast<const float4*>(static_cast<const float*>(a.x) +
                                                             m * a.k + k0);
#pragma unroll
          for (int q = 0; q < E / 4; ++q) {
            const float4 xv = xr[q];
            acc[m] += wf[4 * q] * xv.x + wf[4 * q + 1] * xv.y + wf[4 * q + 2] * xv.z +
                      wf[4 * q + 3] * xv.w;
          }
        } else {
#pragma unroll
          for (int e = 0; e < E; ++e) acc[m] += wf[e] * load_float(a.x, xdt, m * a.k + k0 + e);
        }
      }
    }
  }
#pragma unroll
  for (int m = 0; m < M; ++m) {
    const float s = warp_sum(acc[m]);
    if (lane == 0) store_float(a.y, ydt, m * a.n + col, s);
  }
}

// Any size or alignment: element loads.
__global__ void gemv_scalar_kernel(const GemvArgs a, int xdt, int wdt, int ydt) {
  const int lane = threadIdx.x & 31;
  const int64_t col = int64_t(blockIdx.x) * kWarpsPerBlock + (threadIdx.x >> 5);
  if (col >= a.n) return;
  for (int64_t m = 0; m < a.m; ++m) {
    float acc = 0.0f;
    for (int64_t k = lane; k < a.k; k += 32) {
      acc += load_float(a.w, wdt, col * a.k + k) * load_float(a.x, xdt, m * a.k + k);
    }
    acc = warp_sum(acc);
    if (lane == 0) store_float(a.y, ydt, m * a.n + col, acc);
  }
}

bool aligned16(const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

template <typename W>
void launch_vec(const GemvArgs& a, unsigned blocks, cudaStream_t stream) {
  const int xdt = dt_code(a.x_dtype), ydt = dt_code(a.y_dtype);
  constexpr int T = 32 * kWarpsPerBlock;
  switch (a.m) {
    case 1: gemv_vec_kernel<W, 1><<<blocks, T, 0, stream>>>(a, xdt, ydt); break;
    case 2: gemv_vec_kernel<W, 2><<<blocks, T, 0, stream>>>(a, xdt, ydt); break;
    case 3: gemv_vec_kernel<W, 3><<<blocks, T, 0, stream>>>(a, xdt, ydt); break;
    case 4: gemv_vec_kernel<W, 4><<<blocks, T, 0, stream>>>(a, xdt, ydt); break;
    default: gemv_vec_kernel<W, 8><<<blocks, T, 0, stream>>>(a, xdt, ydt); break;
  }
}

}  // namespace

void gemv(const GemvArgs& a, cudaStream_t stream) {
  if (a.m == 0 || a.n == 0) return;
  const auto blocks = static_cast<unsigned>((a.n + kWarpsPerBlock - 1) / kWarpsPerBlock);
  const int64_t e = a.w_dtype == DType::kF32 ? 4 : 8;
  const bool x_ok = a.x_dtype != DType::kF32 || (aligned16(a.x) && a.k % 4 == 0);
  if (a.k % e != 0 || !aligned16(a.w) || !x_ok) {
    gemv_scalar_kernel<<<blocks, 32 * kWarpsPerBlock, 0, stream>>>(
        a, dt_code(a.x_dtype), dt_code(a.w_dtype), dt_code(a.y_dtype));
    LOKA_CUDA_LAUNCHED();
    return;
  }
  // Kernels exist for 1-4 and 8 rows; other counts run in chunks of up to four.
  const size_t xe = dtype_info(a.x_dtype).block_bytes, ye = dtype_info(a.y_dtype).block_bytes;
  for (int64_t r = 0; r < a.m;) {
    GemvArgs c = a;
    c.m = a.m - r == 8 ? 8 : std::min<int64_t>(4, a.m - r);
    c.x = static_cast<const char*>(a.x) + r * a.k * xe;
    c.y = static_cast<char*>(a.y) + r * a.n * ye;
    switch (a.w_dtype) {
      case DType::kBF16: launch_vec<__nv_bfloat16>(c, blocks, stream); break;
      case DType::kF16: launch_vec<__half>(c, blocks, stream); break;
      default: launch_vec<float>(c, blocks, stream); break;
    }
    LOKA_CUDA_LAUNCHED();
    r += c.m;
  }
}

}  // namespace loka::cuda

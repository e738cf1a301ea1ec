// GEMV kernels: 16-byte weight loads for a few output columns per block in flight at once,
// the few activation rows read through L1 and reused across the columns; f32 accumulation.
#include <algorithm>

#include "common.cuh"
#include "cuda_check.h"
#include "gemv.h"
#include "weight_vec.cuh"

namespace loka::cuda {
namespace {

constexpr int kWarpsPerBlock = 8;  // scalar kernel: one warp per column

// Vector path (k % E == 0, 16-byte aligned rows): a block of kGemvThreads threads computes C
// adjacent output columns, the threads splitting K. Every weight vector of the C rows is in
// flight before it is used; each activation vector loaded is reused for the C columns.
constexpr int kGemvThreads = 128;

template <typename W, int M, int C>
__global__ void __launch_bounds__(kGemvThreads) gemv_vec_kernel(const GemvArgs a, int xdt, int ydt) {
  constexpr int E = WeightVec<W>::kElems;
  const int64_t col0 = int64_t(blockIdx.x) * C;
  const int64_t vecs = a.k / E;
  const uint4* rows[C];
#pragma unroll
  for (int c = 0; c < C; ++c) {
    const int64_t col = min(col0 + c, a.n - 1);  // past the end: re-read the last row, unused
    rows[c] = reinterpret_cast<const uint4*>(static_cast<const W*>(a.w) + col * a.k);
  }
  float acc[M][C];
#pragma unroll
  for (int m = 0; m < M; ++m) {
#pragma unroll
    for (int c = 0; c < C; ++c) acc[m][c] = 0.0f;
  }
#pragma unroll 2
  for (int64_t v = threadIdx.x; v < vecs; v += kGemvThreads) {
    uint4 raw[C];
#pragma unroll
    for (int c = 0; c < C; ++c) raw[c] = load_weights(rows[c] + v);
    const int64_t k0 = v * E;
#pragma unroll
    for (int m = 0; m < M; ++m) {
      float xv[E];
      if (xdt == kDtF32) {
        const float4* xr = reinterpret_cast<const float4*>(static_cast<const float*>(a.x) + m * a.k + k0);
#pragma unroll
        for (int q = 0; q < E / 4; ++q) {
          const float4 t = xr[q];
          xv[4 * q] = t.x;
          xv[4 * q + 1] = t.y;
          xv[4 * q + 2] = t.z;
          xv[4 * q + 3] = t.w;
        }
      } else {
#pragma unroll
        for (int e = 0; e < E; ++e) xv[e] = load_float(a.x, xdt, m * a.k + k0 + e);
      }
#pragma unroll
      for (int c = 0; c < C; ++c) {
        float wf[E];
        WeightVec<W>::to_float(raw[c], wf);
#pragma unroll
        for (int e = 0; e < E; ++e) acc[m][c] += wf[e] * xv[e];
      }
    }
  }
  // Reduce each (m, c) over the block: warps first, then the warps' partial sums.
  __shared__ float partial[kGemvThreads / 32][M * C];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
#pragma unroll
  for (int m = 0; m < M; ++m) {
#pragma unroll
    for (int c = 0; c < C; ++c) {
      const float s = warp_sum(acc[m][c]);
      if (lane == 0) partial[warp][m * C + c] = s;
    }
  }
  __syncthreads();
  for (int i = threadIdx.x; i < M * C; i += kGemvThreads) {
    const int m = i / C, c = i % C;
    if (col0 + c >= a.n) continue;
    float s = 0.0f;
#pragma unroll
    for (int w = 0; w < kGemvThreads / 32; ++w) s += partial[w][i];
    store_float(a.y, ydt, m * a.n + col0 + c, s);
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

// w[k, n]: consecutive threads read consecutive columns of a weight row (coalesced).
__global__ void gemv_kn_kernel(const GemvArgs a, int xdt, int wdt, int ydt) {
  const int64_t col = int64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (col >= a.n) return;
  for (int64_t m = 0; m < a.m; ++m) {
    float acc = 0.0f;
    for (int64_t k = 0; k < a.k; ++k) {
      acc += load_float(a.w, wdt, k * a.n + col) * load_float(a.x, xdt, m * a.k + k);
    }
    store_float(a.y, ydt, m * a.n + col, acc);
  }
}

template <typename W>
void launch_vec(const GemvArgs& a, cudaStream_t stream) {
  const int xdt = dt_code(a.x_dtype), ydt = dt_code(a.y_dtype);
  // Fewer columns per block for more rows keeps the accumulators in registers.
  constexpr int C = 4;
  const auto blocks = static_cast<unsigned>((a.n + C - 1) / C);
  switch (a.m) {
    case 1: gemv_vec_kernel<W, 1, C><<<blocks, kGemvThreads, 0, stream>>>(a, xdt, ydt); break;
    case 2: gemv_vec_kernel<W, 2, C><<<blocks, kGemvThreads, 0, stream>>>(a, xdt, ydt); break;
    case 3: gemv_vec_kernel<W, 3, C><<<blocks, kGemvThreads, 0, stream>>>(a, xdt, ydt); break;
    case 4: gemv_vec_kernel<W, 4, C><<<blocks, kGemvThreads, 0, stream>>>(a, xdt, ydt); break;
    default: {
      const auto b2 = static_cast<unsigned>((a.n + 1) / 2);
      gemv_vec_kernel<W, 8, 2><<<b2, kGemvThreads, 0, stream>>>(a, xdt, ydt);
      break;
    }
  }
}

}  // namespace

void gemv_kn(const GemvArgs& a, cudaStream_t stream) {
  if (a.m == 0 || a.n == 0) return;
  gemv_kn_kernel<<<static_cast<unsigned>((a.n + 127) / 128), 128, 0, stream>>>(
      a, dt_code(a.x_dtype), dt_code(a.w_dtype), dt_code(a.y_dtype));
  LOKA_CUDA_LAUNCHED();
}

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
      case DType::kBF16: launch_vec<__nv_bfloat16>(c, stream); break;
      case DType::kF16: launch_vec<__half>(c, stream); break;
      default: launch_vec<float>(c, stream); break;
    }
    LOKA_CUDA_LAUNCHED();
    r += c.m;
  }
}

}  // namespace loka::cuda

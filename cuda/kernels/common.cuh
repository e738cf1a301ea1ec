// Device helpers shared by the kernels: element access by run-time dtype code,
// launch sizes, warp and block reductions.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "dtype_codes.h"

namespace loka::cuda {

/// The bytes of x in reverse order (a big-endian word read as a little-endian one).
__device__ __forceinline__ uint32_t bswap32(uint32_t x) { return __byte_perm(x, 0, 0x0123); }

__device__ __forceinline__ float load_float(const void* p, int dt, int64_t i) {
  switch (dt) {
    case kDtF32: return static_cast<const float*>(p)[i];
    case kDtF16: return __half2float(static_cast<const __half*>(p)[i]);
    default: return __bfloat162float(static_cast<const __nv_bfloat16*>(p)[i]);
  }
}

__device__ __forceinline__ void store_float(void* p, int dt, int64_t i, float v) {
  switch (dt) {
    case kDtF32: static_cast<float*>(p)[i] = v; return;
    case kDtF16: static_cast<__half*>(p)[i] = __float2half_rn(v); return;
    default: static_cast<__nv_bfloat16*>(p)[i] = __float2bfloat16_rn(v); return;
  }
}

/// Rounds v as storing it in dtype `dt` would (the value a later load returns).
__device__ __forceinline__ float round_to(int dt, float v) {
  switch (dt) {
    case kDtF16: return __half2float(__float2half_rn(v));
    case kDtBF16: return __bfloat162float(__float2bfloat16_rn(v));
    default: return v;
  }
}

constexpr int kThreads = 256;

/// Blocks for a grid-stride loop over n elements.
inline unsigned blocks_for(int64_t n, int threads = kThreads) {
  const int64_t b = (n + threads - 1) / threads;
  return static_cast<unsigned>(b < 1 ? 1 : (b > 65535 * 8 ? 65535 * 8 : b));
}

__device__ __forceinline__ float warp_sum(float v) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

__device__ __forceinline__ float warp_max(float v) {
  for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}

/// `warp_op` (warp_sum or warp_max) over the block (blockDim.x a multiple of 32, <= 1024),
/// `identity` filling the unused warp slots; every thread gets the result.
template <float (*warp_op)(float)>
__device__ __forceinline__ float block_reduce(float v, float identity) {
  __shared__ float partial[32];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  v = warp_op(v);
  __syncthreads();
  if (lane == 0) partial[warp] = v;
  __syncthreads();
  const int warps = blockDim.x >> 5;
  v = lane < warps ? partial[lane] : identity;
  return warp_op(v);
}

__device__ __forceinline__ float block_sum(float v) { return block_reduce<warp_sum>(v, 0.0f); }
__device__ __forceinline__ float block_max(float v) { return block_reduce<warp_max>(v, -INFINITY); }

}  // namespace loka::cuda

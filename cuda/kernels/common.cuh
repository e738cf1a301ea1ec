// Device helpers shared by the kernels: element access by run-time dtype code,
// launch sizes, warp and block reductions.
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>
#include <cuda_runtime.h>

#include <cstdint>

#include "core/dtype.h"
#include "core/error.h"

namespace loka::cuda {

/// dtype codes the kernels switch on (a uniform branch: no divergence).
enum DtCode : int { kDtF32 = 0, kDtF16 = 1, kDtBF16 = 2, kDtF64 = 3, kDtI32 = 4, kDtI8 = 5 };

inline int dt_code(DType t) {
  switch (t) {
    case DType::kF32: return kDtF32;
    case DType::kF16: return kDtF16;
    case DType::kBF16: return kDtBF16;
    case DType::kF64: return kDtF64;
    case DType::kI32: return kDtI32;
    case DType::kI8: return kDtI8;
    default:
      throw Error(ErrorCode::kUnsupported,
                  std::string("cuda: no kernels for dtype ") + std::string(dtype_name(t)));
  }
}

inline bool is_f16ish_or_f32(DType t) {
  return t == DType::kF32 || t == DType::kF16 || t == DType::kBF16;
}

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

/// Sum over the block (blockDim.x a multiple of 32, <= 1024); every thread gets the result.
__device__ __forceinline__ float block_sum(float v) {
  __shared__ float partial[32];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  v = warp_sum(v);
  __syncthreads();
  if (lane == 0) partial[warp] = v;
  __syncthreads();
  const int warps = blockDim.x >> 5;
  v = lane < warps ? partial[lane] : 0.0f;
  return warp_sum(v);
}

__device__ __forceinline__ float block_max(float v) {
  __shared__ float partial[32];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  v = warp_max(v);
  __syncthreads();
  if (lane == 0) partial[warp] = v;
  __syncthreads();
  const int warps = blockDim.x >> 5;
  v = lane < warps ? partial[lane] : -INFINITY;
  return warp_max(v);
}

}  // namespace loka::cuda

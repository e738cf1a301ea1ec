// 16 bytes of weights as floats: the unit the GEMV kernels stream (8 halves or 4 floats).
#pragma once

#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include <cstdint>

namespace loka::cuda {

/// Whether p can be read in the 16-byte units below (host side: the kernels' launch checks).
inline bool aligned16(const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

__device__ __forceinline__ float2 pair_to_float2(__nv_bfloat162 v) { return __bfloat1622float2(v); }
__device__ __forceinline__ float2 pair_to_float2(__half2 v) { return __half22float2(v); }

template <typename W>
struct Pair;  // the two-element vector type of a 16-bit dtype
template <>
struct Pair<__nv_bfloat16> {
  using type = __nv_bfloat162;
};
template <>
struct Pair<__half> {
  using type = __half2;
};

/// 16 bytes of a weight stream: read-only, and not kept in L1 (each weight is read once; L1 is
/// left to the activations every block re-reads).
__device__ __forceinline__ uint4 load_weights(const uint4* p) {
  uint4 r;
  asm volatile("ld.global.nc.L1::no_allocate.v4.u32 {%0, %1, %2, %3}, [%4];"
               : "=r"(r.x), "=r"(r.y), "=r"(r.z), "=r"(r.w)
               : "l"(p));
  return r;
}

template <typename W>
struct WeightVec {
  static constexpr int kElems = 8;
  __device__ static void to_float(const uint4& r, float* f) {
    const auto* h = reinterpret_cast<const typename Pair<W>::type*>(&r);
#pragma unroll
    for (int i = 0; i < 4; ++i) {
      const float2 v = pair_to_float2(h[i]);
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

}  // namespace loka::cuda

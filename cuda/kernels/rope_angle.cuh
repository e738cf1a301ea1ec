// The RoPE rotation of one feature pair, shared by the rope kernel and the fused GEMV.
#pragma once

#include <cuda_runtime.h>

namespace loka::cuda {

constexpr int kRopeMaxHalf = 256;  // kernels take inv_freq tables of rotary_dim / 2 <= 256

/// cos and sin of pos * inv_freq, times `scale` (YaRN's attention factor). The angle in double,
/// reduced to [-pi, pi] in double, then float sincos: as accurate as double sin/cos after
/// rounding to float, at a fraction of the cost.
__device__ __forceinline__ void rope_cos_sin(double pos, double inv_freq, float scale, float* c,
                                             float* s) {
  const double ang = pos * inv_freq;
  const double r = ang - 6.283185307179586 * rint(ang * 0.15915494309189535);
  float sn, cs;
  sincosf(static_cast<float>(r), &sn, &cs);
  *c = cs * scale;
  *s = sn * scale;
}

}  // namespace loka::cuda

// Branch-free f32 math (exp, sigmoid, select) that GCC vectorizes inside
// LOKA_SIMD loops: glibc's vector expf is only declared under -ffast-math, and
// under the default -ftrapping-math GCC will not if-convert a float `c ? a : b`
// whose arms compute something, so one such ternary keeps a loop scalar.
// Everything here selects with integer masks instead.
#pragma once

#include <cstdint>
#include <cstring>

namespace loka::cpu {

inline uint32_t f32_bits(float x) {
  uint32_t b;
  std::memcpy(&b, &x, 4);
  return b;
}

inline float f32_from_bits(uint32_t b) {
  float x;
  std::memcpy(&x, &b, 4);
  return x;
}

/// c ? a : b, both arms evaluated, without a branch.
inline float select_f32(bool c, float a, float b) {
  const uint32_t m = 0u - static_cast<uint32_t>(c);
  return f32_from_bits((f32_bits(a) & m) | (f32_bits(b) & ~m));
}

/// e^x within 1 ulp (Cephes expf polynomial) where the result is a normal
/// float; 0 below -87.3365 (flushing subnormal results), +inf above
/// ln(FLT_MAX), NaN stays NaN.
inline float exp_f32(float x) {
  // x = n ln2 + r: n by adding and removing 1.5 * 2^23, which leaves n in the
  // low mantissa bits. Out-of-range x give garbage here, replaced at the end.
  constexpr float kShift = 12582912.0f;
  const float shifted = x * 1.44269504088896341f + kShift;
  const float n = shifted - kShift;
  const int32_t ni = static_cast<int32_t>(f32_bits(shifted) - f32_bits(kShift));
  float r = x - n * 0.693359375f;  // ln 2 split in two so that n * hi is exact
  r = r - n * -2.12194440e-4f;
  float p = 1.9875691500e-4f;
  p = p * r + 1.3981999507e-3f;
  p = p * r + 8.3334519073e-3f;
  p = p * r + 4.1665795894e-2f;
  p = p * r + 1.6666665459e-1f;
  p = p * r + 5.0000001201e-1f;
  const float y = p * r * r + r + 1.0f;
  // n is in [-126, 128]; 2^128 is not a float, so the last step goes into
  // the exponent bits of the product.
  const uint32_t excess = ni > 127;
  const uint32_t scale = (static_cast<uint32_t>(ni) - excess + 127u) << 23;
  uint32_t out = f32_bits(y * f32_from_bits(scale)) + (excess << 23);
  const uint32_t under = 0u - static_cast<uint32_t>(x < -87.3365f);
  const uint32_t over = 0u - static_cast<uint32_t>(x > 88.72283f);
  const uint32_t nan = 0u - static_cast<uint32_t>(x != x);
  out = (out & ~under & ~over) | (0x7f800000u & over);
  return f32_from_bits((out & ~nan) | (f32_bits(x) & nan));
}

/// 1 / (1 + e^-x), exact 0 and 1 in the tails.
inline float sigmoid_f32(float x) { return 1.0f / (1.0f + exp_f32(-x)); }

}  // namespace loka::cpu

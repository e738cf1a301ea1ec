// Row conversions, one vectorized loop per dtype.
#include "cpu/convert_rows.h"

#include <cstring>

#include "core/error.h"
#include "core/half.h"
#include "cpu/simd.h"

namespace loka::cpu {
namespace {

LOKA_VECTORIZE void bf16_to_f32_n(const uint16_t* s, float* d, int64_t n) {
  LOKA_SIMD
  for (int64_t i = 0; i < n; ++i) d[i] = bf16_to_f32(s[i]);
}

LOKA_VECTORIZE void f32_to_bf16_n(const float* s, uint16_t* d, int64_t n) {
  LOKA_SIMD
  for (int64_t i = 0; i < n; ++i) d[i] = f32_to_bf16(s[i]);
}

LOKA_VECTORIZE void f16_to_f32_n(const _Float16* s, float* d, int64_t n) {
  LOKA_SIMD
  for (int64_t i = 0; i < n; ++i) d[i] = static_cast<float>(s[i]);
}

LOKA_VECTORIZE void f32_to_f16_n(const float* s, _Float16* d, int64_t n) {
  LOKA_SIMD
  for (int64_t i = 0; i < n; ++i) d[i] = static_cast<_Float16>(s[i]);
}

}  // namespace

bool is_float_dtype(DType t) {
  return t == DType::kF32 || t == DType::kF16 || t == DType::kBF16 || t == DType::kF64;
}

void to_f32(DType t, const void* src, float* dst, int64_t n) {
  switch (t) {
    case DType::kF32: std::memmove(dst, src, static_cast<size_t>(n) * 4); return;
    case DType::kBF16: bf16_to_f32_n(static_cast<const uint16_t*>(src), dst, n); return;
    case DType::kF16: f16_to_f32_n(static_cast<const _Float16*>(src), dst, n); return;
    case DType::kF64: {
      const double* s = static_cast<const double*>(src);
      for (int64_t i = 0; i < n; ++i) dst[i] = static_cast<float>(s[i]);
      return;
    }
    default: break;
  }
  throw Error(ErrorCode::kUnsupported,
              "no f32 conversion from dtype " + std::string(dtype_name(t)));
}

void from_f32(DType t, const float* src, void* dst, int64_t n) {
  switch (t) {
    case DType::kF32: std::memmove(dst, src, static_cast<size_t>(n) * 4); return;
    case DType::kBF16: f32_to_bf16_n(src, static_cast<uint16_t*>(dst), n); return;
    case DType::kF16: f32_to_f16_n(src, static_cast<_Float16*>(dst), n); return;
    case DType::kF64: {
      double* d = static_cast<double*>(dst);
      for (int64_t i = 0; i < n; ++i) d[i] = src[i];
      return;
    }
    default: break;
  }
  throw Error(ErrorCode::kUnsupported, "no f32 conversion to dtype " + std::string(dtype_name(t)));
}

}  // namespace loka::cpu

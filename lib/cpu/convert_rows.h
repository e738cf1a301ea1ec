// Vectorized conversion of contiguous runs between float dtypes and f32.
#pragma once

#include <cstdint>

#include "core/dtype.h"

namespace loka::cpu {

/// True for the dtypes the two functions below accept (f32, f16, bf16, f64).
bool is_float_dtype(DType t);

/// dst[i] = float(src[i]) for n elements of dtype `t`.
void to_f32(DType t, const void* src, float* dst, int64_t n);
/// dst[i] = t(src[i]), rounding to nearest even.
void from_f32(DType t, const float* src, void* dst, int64_t n);

}  // namespace loka::cpu

// Element-wise dtype conversion.
#pragma once

#include "backend/backend.h"

namespace loka::ops {

/// Whether convert() defines from -> to: any pair of f32, f16, bf16, f64
/// (same dtype included), and i32/i8 <-> f32.
bool is_convertible(DType from, DType to);

/// x converted element-wise to dtype `to`, same shape; x contiguous.
/// Float -> float: one rounding to nearest even (f64 -> f16/bf16 too, without
/// a double rounding through f32); overflow gives +-Inf; NaN and +-Inf are
/// preserved (NaN comes out quiet; its payload is not kept).
/// i32 -> f32 rounds to nearest even above 2^24; i8 -> f32 is exact.
/// f32 -> i32/i8 rounds to nearest, ties to even, saturates to the integer
/// type's range (+-Inf included) and maps NaN to 0.
/// `out`, if given, must be of dtype `to` and x's shape.
Tensor convert(Backend& be, const Tensor& x, DType to, const Tensor* out = nullptr);

}  // namespace loka::ops

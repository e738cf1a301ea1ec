// Elements of a contiguous float tensor as f32, without a copy when they
// already are f32.
#pragma once

#include <cstdint>

#include "core/tensor.h"
#include "cpu/convert_rows.h"

namespace loka::cpu {

/// Elements [i0, i0 + n) of contiguous `t` as f32: a pointer into t for f32,
/// else `buf` (n floats) filled by to_f32.
inline const float* f32_view(const Tensor& t, int64_t i0, int64_t n, float* buf) {
  if (t.dtype() == DType::kF32) return t.data_as<const float>() + i0;
  const int64_t esize = dtype_info(t.dtype()).block_bytes;
  to_f32(t.dtype(), static_cast<const char*>(t.data()) + i0 * esize, buf, n);
  return buf;
}

}  // namespace loka::cpu

// CPU convert: float <-> float through f32 rows, f64 -> f16/bf16 directly,
// and i32/i8 <-> f32.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "core/half.h"
#include "core/thread_pool.h"
#include "cpu/convert_rows.h"
#include "cpu/kernel_registry.h"
#include "cpu/simd.h"
#include "ops/convert.h"

namespace loka::cpu {
namespace {

constexpr int64_t kChunk = 4096;

// f64 -> f32 rounding to odd (truncate, then set the last bit if inexact):
// a later round-to-nearest-even to a format with at least two fewer bits
// (bf16) then equals one direct rounding of the double.
float f64_to_f32_round_odd(double d) {
  float f = static_cast<float>(d);
  if (static_cast<double>(f) == d || std::isnan(d)) return f;
  uint32_t bits;
  std::memcpy(&bits, &f, 4);
  if (std::fabs(static_cast<double>(f)) > std::fabs(d)) bits -= 1;  // back toward zero
  bits |= 1u;
  std::memcpy(&f, &bits, 4);
  return f;
}

void f64_to_bf16(const double* s, uint16_t* d, int64_t n) {
  for (int64_t i = 0; i < n; ++i) d[i] = f32_to_bf16(f64_to_f32_round_odd(s[i]));
}

void f64_to_f16(const double* s, _Float16* d, int64_t n) {
  for (int64_t i = 0; i < n; ++i) d[i] = static_cast<_Float16>(s[i]);  // one rounding
}

template <typename Int>
LOKA_VECTORIZE void f32_to_int(const float* s, Int* d, int64_t n) {
  constexpr float lo = static_cast<float>(std::numeric_limits<Int>::min());
  constexpr float hi = -lo;  // first value past the top: 2^31 or 128
  LOKA_SIMD
  for (int64_t i = 0; i < n; ++i) {
    const float v = s[i] != s[i] ? 0.0f : std::rint(s[i]);
    d[i] = v >= hi ? std::numeric_limits<Int>::max()
                   : v <= lo ? std::numeric_limits<Int>::min() : static_cast<Int>(v);
  }
}

template <typename Int>
LOKA_VECTORIZE void int_to_f32(const Int* s, float* d, int64_t n) {
  LOKA_SIMD
  for (int64_t i = 0; i < n; ++i) d[i] = static_cast<float>(s[i]);
}

void convert_chunk(DType from, DType to, const void* src, void* dst, int64_t n, float* buf) {
  if (from == to) {
    std::memcpy(dst, src, static_cast<size_t>(n) * dtype_info(from).block_bytes);
  } else if (from == DType::kF64 && to == DType::kBF16) {
    f64_to_bf16(static_cast<const double*>(src), static_cast<uint16_t*>(dst), n);
  } else if (from == DType::kF64 && to == DType::kF16) {
    f64_to_f16(static_cast<const double*>(src), static_cast<_Float16*>(dst), n);
  } else if (from == DType::kI32) {
    int_to_f32(static_cast<const int32_t*>(src), static_cast<float*>(dst), n);
  } else if (from == DType::kI8) {
    int_to_f32(static_cast<const int8_t*>(src), static_cast<float*>(dst), n);
  } else if (to == DType::kI32) {
    f32_to_int(static_cast<const float*>(src), static_cast<int32_t*>(dst), n);
  } else if (to == DType::kI8) {
    f32_to_int(static_cast<const float*>(src), static_cast<int8_t*>(dst), n);
  } else {
    // Widening to f32 is exact, so this rounds once.
    to_f32(from, src, buf, n);
    from_f32(to, buf, dst, n);
  }
}

bool supports_convert(const OpNode& n) {
  return n.src.size() == 1 && n.dst.size() == 1 && n.src[0].is_contiguous() &&
         n.dst[0].is_contiguous() && n.src[0].numel() == n.dst[0].numel() &&
         ops::is_convertible(n.src[0].dtype(), n.dst[0].dtype());
}

void run_convert(const OpNode& n, CpuContext& ctx) {
  const Tensor &x = n.src[0], &out = n.dst[0];
  const int64_t total = x.numel();
  const size_t ex = dtype_info(x.dtype()).block_bytes;
  const size_t eo = dtype_info(out.dtype()).block_bytes;
  const int64_t chunks = (total + kChunk - 1) / kChunk;
  ctx.pool.parallel_for(chunks, 1, [&](int64_t c0, int64_t c1) {
    float buf[kChunk];
    for (int64_t c = c0; c < c1; ++c) {
      const int64_t i0 = c * kChunk, len = std::min(kChunk, total - i0);
      convert_chunk(x.dtype(), out.dtype(), static_cast<const char*>(x.data()) + i0 * ex,
                    static_cast<char*>(out.data()) + i0 * eo, len, buf);
    }
  });
}

}  // namespace

LOKA_REGISTER_CPU_KERNEL(OpKind::kConvert, supports_convert, run_convert);

}  // namespace loka::cpu

// CPU RoPE: per token, cos/sin of position * inv_freq evaluated in double and
// rounded to f32, then every head of the token rotated in f32.
#include <algorithm>
#include <cmath>
#include <vector>

#include "core/thread_pool.h"
#include "cpu/convert_rows.h"
#include "cpu/kernel_registry.h"
#include "cpu/simd.h"
#include "ops/rope.h"

namespace loka::cpu {
namespace {

// Pairs (x[i], x[i + half]).
LOKA_VECTORIZE void rotate_neox(float* x, const float* c, const float* s, int64_t half) {
  LOKA_SIMD
  for (int64_t i = 0; i < half; ++i) {
    const float a = x[i], b = x[i + half];
    x[i] = a * c[i] - b * s[i];
    x[i + half] = b * c[i] + a * s[i];
  }
}

// Pairs (x[2i], x[2i + 1]).
LOKA_VECTORIZE void rotate_interleaved(float* x, const float* c, const float* s, int64_t half) {
  LOKA_SIMD
  for (int64_t i = 0; i < half; ++i) {
    const float a = x[2 * i], b = x[2 * i + 1];
    x[2 * i] = a * c[i] - b * s[i];
    x[2 * i + 1] = b * c[i] + a * s[i];
  }
}

bool supports_rope(const OpNode& n) {
  if (n.src.size() != 2 || n.dst.size() != 1) return false;
  if (!std::holds_alternative<RopeParams>(n.params)) return false;
  const Tensor &x = n.src[0], &pos = n.src[1], &out = n.dst[0];
  if (!x.is_contiguous() || !pos.is_contiguous() || !out.is_contiguous()) return false;
  if (!is_float_dtype(x.dtype()) || !is_float_dtype(out.dtype()) || pos.dtype() != DType::kI32) {
    return false;
  }
  if (x.ndim() < 3 || x.ndim() > 4 || out.shape() != x.shape()) return false;
  const int64_t tokens = x.numel() / std::max<int64_t>(1, x.dim(-1) * x.dim(-2));
  const int64_t np = pos.numel();
  const int64_t rot = std::get<RopeParams>(n.params).rotary_dim;
  const int64_t dh = x.dim(-1);
  return (tokens == 0 || (np > 0 && tokens % np == 0)) && rot >= 0 && rot <= dh &&
         (rot == 0 ? dh : rot) % 2 == 0;
}

void run_rope(const OpNode& n, CpuContext& ctx) {
  const Tensor &x = n.src[0], &positions = n.src[1], &out = n.dst[0];
  const RopeParams& p = std::get<RopeParams>(n.params);
  const int64_t dh = x.dim(-1), heads = x.dim(-2), width = heads * dh;
  if (width == 0) return;
  const std::vector<double> inv_freq = ops::rope_inv_freq(p, dh);
  const double scale = ops::rope_attention_scale(p);
  const int64_t half = static_cast<int64_t>(inv_freq.size());
  const bool neox = p.layout == RopeLayout::kNeox;
  const int64_t tokens = x.numel() / width, np = positions.numel();
  const int32_t* pos = positions.data_as<const int32_t>();
  const size_t ex = dtype_info(x.dtype()).block_bytes, eo = dtype_info(out.dtype()).block_bytes;
  ctx.pool.parallel_for(tokens, 1, [&](int64_t t0, int64_t t1) {
    std::vector<float> cos_v(static_cast<size_t>(half)), sin_v(static_cast<size_t>(half));
    std::vector<float> row(static_cast<size_t>(width));
    for (int64_t t = t0; t < t1; ++t) {
      // A [T] positions tensor is shared by every batch row of a 4-D x.
      const double position = pos[t % np];
      for (int64_t i = 0; i < half; ++i) {
        const double angle = position * inv_freq[static_cast<size_t>(i)];
        cos_v[static_cast<size_t>(i)] = static_cast<float>(std::cos(angle) * scale);
        sin_v[static_cast<size_t>(i)] = static_cast<float>(std::sin(angle) * scale);
      }
      // The whole row is read before any of it is written: out may alias x.
      to_f32(x.dtype(), static_cast<const char*>(x.data()) + t * width * ex, row.data(), width);
      for (int64_t h = 0; h < heads; ++h) {
        float* head = row.data() + h * dh;
        if (neox) {
          rotate_neox(head, cos_v.data(), sin_v.data(), half);
        } else {
          rotate_interleaved(head, cos_v.data(), sin_v.data(), half);
        }
      }
      from_f32(out.dtype(), row.data(), static_cast<char*>(out.data()) + t * width * eo, width);
    }
  });
}

}  // namespace

LOKA_REGISTER_CPU_KERNEL(OpKind::kRope, supports_rope, run_rope);

}  // namespace loka::cpu

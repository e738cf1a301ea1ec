// CPU SwiGLU: silu(gate) * up over f32 chunks.
#include <algorithm>

#include "core/thread_pool.h"
#include "cpu/convert_rows.h"
#include "cpu/f32_view.h"
#include "cpu/kernel_registry.h"
#include "cpu/simd.h"
#include "cpu/vec_math.h"

namespace loka::cpu {
namespace {

constexpr int64_t kChunk = 4096;

LOKA_VECTORIZE void swiglu_f32(const float* g, const float* u, float* out, int64_t n) {
  LOKA_SIMD
  for (int64_t i = 0; i < n; ++i) out[i] = g[i] * sigmoid_f32(g[i]) * u[i];
}

bool supports_swiglu(const OpNode& n) {
  return n.src.size() == 2 && n.dst.size() == 1 && n.src[0].is_contiguous() &&
         n.src[1].is_contiguous() && n.dst[0].is_contiguous() &&
         n.src[0].numel() == n.src[1].numel() && n.src[0].numel() == n.dst[0].numel() &&
         is_float_dtype(n.src[0].dtype()) && is_float_dtype(n.src[1].dtype()) &&
         is_float_dtype(n.dst[0].dtype());
}

void run_swiglu(const OpNode& n, CpuContext& ctx) {
  const Tensor &gate = n.src[0], &up = n.src[1], &out = n.dst[0];
  const int64_t total = gate.numel();
  const size_t eo = dtype_info(out.dtype()).block_bytes;
  const int64_t chunks = (total + kChunk - 1) / kChunk;
  ctx.pool.parallel_for(chunks, 1, [&](int64_t c0, int64_t c1) {
    float gb[kChunk], ub[kChunk], ob[kChunk];
    for (int64_t c = c0; c < c1; ++c) {
      const int64_t i0 = c * kChunk, len = std::min(kChunk, total - i0);
      const float* g = f32_view(gate, i0, len, gb);
      const float* u = f32_view(up, i0, len, ub);
      float* o = out.dtype() == DType::kF32 ? out.data_as<float>() + i0 : ob;
      swiglu_f32(g, u, o, len);
      if (o == ob) from_f32(out.dtype(), ob, static_cast<char*>(out.data()) + i0 * eo, len);
    }
  });
}

}  // namespace

LOKA_REGISTER_CPU_KERNEL(OpKind::kSwiGLU, supports_swiglu, run_swiglu);

}  // namespace loka::cpu

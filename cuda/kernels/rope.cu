// RoPE: the angle position * inv_freq in double (as the CPU backend), sin/cos and the
// rotation in f32 (rope_angle.cuh).
#include <algorithm>
#include <cmath>

#include "common.cuh"
#include "cuda_check.h"
#include "device_context.h"
#include "kernel_registry.h"
#include "ops/rope.h"
#include "rope_angle.cuh"

namespace loka::cuda {
namespace {

struct RopeArgs {
  const void* x;
  int xdt;
  void* out;
  int odt;
  const int32_t* positions;
  int64_t n_positions;
  int64_t heads, head_dim, half;
  bool neox;
  float scale;
  double inv_freq[kRopeMaxHalf];
};

// One block per (token row, head), one thread per feature pair; the rotary tail passes through.
__global__ void rope_kernel(const RopeArgs a) {
  const int64_t row = blockIdx.x, h = blockIdx.y;
  const double pos = static_cast<double>(a.positions[row % a.n_positions]);
  const int64_t head = (row * a.heads + h) * a.head_dim;
  for (int64_t i = threadIdx.x; i < a.head_dim / 2; i += blockDim.x) {
    if (i < a.half) {
      float c, s;
      rope_cos_sin(pos, a.inv_freq[i], a.scale, &c, &s);
      const int64_t i0 = a.neox ? head + i : head + 2 * i;
      const int64_t i1 = a.neox ? head + i + a.half : head + 2 * i + 1;
      const float x0 = load_float(a.x, a.xdt, i0), x1 = load_float(a.x, a.xdt, i1);
      store_float(a.out, a.odt, i0, x0 * c - x1 * s);
      store_float(a.out, a.odt, i1, x1 * c + x0 * s);
    } else {
      // Pass-through features: 2 * (head_dim / 2 - half) of them, after the rotary part.
      const int64_t k = 2 * a.half + 2 * (i - a.half);
      store_float(a.out, a.odt, head + k, load_float(a.x, a.xdt, head + k));
      store_float(a.out, a.odt, head + k + 1, load_float(a.x, a.xdt, head + k + 1));
    }
  }
  if ((a.head_dim & 1) != 0 && threadIdx.x == 0) {  // odd head size: the last feature
    const int64_t k = head + a.head_dim - 1;
    store_float(a.out, a.odt, k, load_float(a.x, a.xdt, k));
  }
}

bool supports_rope(const OpNode& n) {
  if (n.src.size() != 2 || n.dst.size() != 1 || !std::holds_alternative<RopeParams>(n.params)) {
    return false;
  }
  const Tensor &x = n.src[0], &pos = n.src[1], &out = n.dst[0];
  if (!is_f16ish_or_f32(x.dtype()) || !is_f16ish_or_f32(out.dtype()) ||
      pos.dtype() != DType::kI32 || x.ndim() < 3 || x.ndim() > 4 || out.shape() != x.shape()) {
    return false;
  }
  const int64_t dh = x.dim(-1);
  const int64_t rot = std::get<RopeParams>(n.params).rotary_dim;
  const int64_t rd = rot == 0 ? dh : rot;
  const int64_t tokens = x.numel() / std::max<int64_t>(1, dh * x.dim(-2));
  return rot >= 0 && rd <= dh && rd % 2 == 0 && rd / 2 <= kRopeMaxHalf &&
         (tokens == 0 || (pos.numel() > 0 && tokens % pos.numel() == 0));
}

void run_rope(const OpNode& n, DeviceContext& ctx) {
  const Tensor &x = n.src[0], &pos = n.src[1], &out = n.dst[0];
  const RopeParams& p = std::get<RopeParams>(n.params);
  const int64_t dh = x.dim(-1), heads = x.dim(-2);
  const int64_t rows = dh * heads == 0 ? 0 : x.numel() / (dh * heads);
  if (rows == 0) return;
  const std::vector<double> inv_freq = ops::rope_inv_freq(p, dh);
  RopeArgs a{};
  a.x = x.data();
  a.xdt = dt_code(x.dtype());
  a.out = out.data();
  a.odt = dt_code(out.dtype());
  a.positions = pos.data_as<const int32_t>();
  a.n_positions = pos.numel();
  a.heads = heads;
  a.head_dim = dh;
  a.half = static_cast<int64_t>(inv_freq.size());
  a.neox = p.layout == RopeLayout::kNeox;
  a.scale = static_cast<float>(ops::rope_attention_scale(p));
  for (size_t i = 0; i < inv_freq.size(); ++i) a.inv_freq[i] = inv_freq[i];
  LOKA_CHECK(rows <= 0x7fffffff && heads <= 65535, ErrorCode::kUnsupported,
             "rope: too many rows or heads");
  const int threads = static_cast<int>(std::min<int64_t>(256, std::max<int64_t>(32, (dh / 2 + 31) / 32 * 32)));
  rope_kernel<<<dim3(static_cast<unsigned>(rows), static_cast<unsigned>(heads)), threads, 0,
                ctx.stream()>>>(a);
  LOKA_CUDA_LAUNCHED();
}

}  // namespace

LOKA_REGISTER_CUDA_KERNEL(OpKind::kRope, supports_rope, run_rope);

}  // namespace loka::cuda

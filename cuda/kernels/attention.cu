// Attention softmax(q k^T * scale + causal mask) v with grouped-query heads, in two passes:
// blocks over (query, head, key split) keep an online softmax per warp and write partial
// results; a combine kernel merges the splits. Decode (one query) spreads the KV cache over
// many splits; a prefill query gets few.
#include <algorithm>
#include <cmath>

#include "attention_decode.h"
#include "attention_mma.h"
#include "common.cuh"
#include "cuda_check.h"
#include "device_context.h"
#include "kernel_registry.h"

namespace loka::cuda {
namespace {

constexpr int kWarps = 4;
constexpr int kPerLane = 8;      // head sizes up to 32 * 8 = 256
constexpr int kMaxHead = 32 * kPerLane;
constexpr int64_t kMmaMinQueries = 16;  // fewer queries: the split-key kernel

struct AttnArgs {
  const void* q;
  const void* k;
  const void* v;
  int qdt, kdt, vdt;
  int64_t t, s, hq, hkv, d, dv;
  float scale;
  bool causal;
  int64_t split_len;  // keys per split (without kv_len)
  int splits;
  float* partial;     // [t, hq, splits, dv + 2]: acc, max, sum
  const int32_t* kv_len;  // null, or the number of k/v rows that count (read here)
};

// Keys that count, and keys per split: with kv_len both are known only on the device.
struct KeyRange {
  int64_t s, split_len;
};

__device__ KeyRange key_range(const AttnArgs& a) {
  if (a.kv_len == nullptr) return {a.s, a.split_len};
  const int64_t s = min(max(int64_t(*a.kv_len), int64_t(0)), a.s);
  return {s, max(int64_t(2 * kWarps), (s + a.splits - 1) / a.splits)};
}

__global__ void attention_split_kernel(const AttnArgs a) {
  const int64_t ti = blockIdx.x, h = blockIdx.y, split = blockIdx.z;
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const int64_t kvh = h / (a.hq / a.hkv);
  const KeyRange keys = key_range(a);
  const int64_t last = a.causal ? keys.s - a.t + ti : keys.s - 1;  // inclusive
  const int64_t begin = split * keys.split_len;
  const int64_t end = min(begin + keys.split_len, last + 1);

  float qr[kPerLane], acc[kPerLane];
  const int64_t qbase = (ti * a.hq + h) * a.d;
#pragma unroll
  for (int j = 0; j < kPerLane; ++j) {
    const int64_t c = lane + 32 * j;
    qr[j] = c < a.d ? load_float(a.q, a.qdt, qbase + c) * a.scale : 0.0f;
    acc[j] = 0.0f;
  }
  float m = -INFINITY, l = 0.0f;
  for (int64_t s = begin + warp; s < end; s += kWarps) {
    const int64_t kbase = (s * a.hkv + kvh) * a.d;
    float dot = 0.0f;
#pragma unroll
    for (int j = 0; j < kPerLane; ++j) {
      const int64_t c = lane + 32 * j;
      if (c < a.d) dot += qr[j] * load_float(a.k, a.kdt, kbase + c);
    }
    dot = warp_sum(dot);
    const float m_new = fmaxf(m, dot);
    const float correction = expf(m - m_new), p = expf(dot - m_new);
    l = l * correction + p;
    const int64_t vbase = (s * a.hkv + kvh) * a.dv;
#pragma unroll
    for (int j = 0; j < kPerLane; ++j) {
      const int64_t c = lane + 32 * j;
      acc[j] = acc[j] * correction + (c < a.dv ? p * load_float(a.v, a.vdt, vbase + c) : 0.0f);
    }
    m = m_new;
  }

  // Merge the warps of the block.
  __shared__ float sm[kWarps], sl[kWarps], sacc[kWarps][kMaxHead];
  if (lane == 0) {
    sm[warp] = m;
    sl[warp] = l;
  }
#pragma unroll
  for (int j = 0; j < kPerLane; ++j) sacc[warp][lane + 32 * j] = acc[j];
  __syncthreads();
  if (warp != 0) return;
  float mm = -INFINITY;
  for (int w = 0; w < kWarps; ++w) mm = fmaxf(mm, sm[w]);
  float* out = a.partial + ((ti * a.hq + h) * a.splits + split) * (a.dv + 2);
  float ll = 0.0f;
  for (int w = 0; w < kWarps; ++w) ll += sm[w] == -INFINITY ? 0.0f : sl[w] * expf(sm[w] - mm);
#pragma unroll
  for (int j = 0; j < kPerLane; ++j) {
    const int64_t c = lane + 32 * j;
    if (c >= a.dv) continue;
    float r = 0.0f;
    for (int w = 0; w < kWarps; ++w) {
      if (sm[w] != -INFINITY) r += sacc[w][c] * expf(sm[w] - mm);
    }
    out[c] = r;
  }
  if (lane == 0) {
    out[a.dv] = mm;
    out[a.dv + 1] = ll;
  }
}

__global__ void attention_combine_kernel(const float* partial, int splits, int64_t dv, void* out,
                                         int odt) {
  const int64_t row = blockIdx.x;  // (t, h)
  const float* p = partial + row * splits * (dv + 2);
  float mm = -INFINITY;
  for (int s = 0; s < splits; ++s) mm = fmaxf(mm, p[s * (dv + 2) + dv]);
  float ll = 0.0f;
  for (int s = 0; s < splits; ++s) {
    const float ms = p[s * (dv + 2) + dv];
    if (ms != -INFINITY) ll += p[s * (dv + 2) + dv + 1] * expf(ms - mm);
  }
  for (int64_t c = threadIdx.x; c < dv; c += blockDim.x) {
    float r = 0.0f;
    for (int s = 0; s < splits; ++s) {
      const float ms = p[s * (dv + 2) + dv];
      if (ms != -INFINITY) r += p[s * (dv + 2) + c] * expf(ms - mm);
    }
    store_float(out, odt, row * dv + c, ll > 0.0f ? r / ll : 0.0f);  // no key: a zero row
  }
}

bool supports_attention(const OpNode& n) {
  if ((n.src.size() != 3 && n.src.size() != 4) || n.dst.size() != 1 ||
      !std::holds_alternative<AttentionParams>(n.params)) {
    return false;
  }
  for (size_t i = 0; i < 3; ++i) {
    if (!is_f16ish_or_f32(n.src[i].dtype()) || n.src[i].ndim() != 3) return false;
  }
  if (n.src.size() == 4 && (n.src[3].dtype() != DType::kI32 || n.src[3].numel() != 1)) {
    return false;
  }
  const Tensor &q = n.src[0], &k = n.src[1], &v = n.src[2], &o = n.dst[0];
  return is_f16ish_or_f32(o.dtype()) && q.dim(2) <= kMaxHead && v.dim(2) <= kMaxHead &&
         k.dim(1) > 0 && q.dim(1) % k.dim(1) == 0 &&
         o.shape() == Shape{q.dim(0), q.dim(1), v.dim(2)};
}

void run_attention(const OpNode& n, DeviceContext& ctx) {
  const Tensor &q = n.src[0], &k = n.src[1], &v = n.src[2], &o = n.dst[0];
  const AttentionParams& p = std::get<AttentionParams>(n.params);
  AttnArgs a{q.data(), k.data(), v.data(), dt_code(q.dtype()), dt_code(k.dtype()),
             dt_code(v.dtype()), q.dim(0), k.dim(0), q.dim(1), k.dim(1), q.dim(2), v.dim(2),
             p.scale, p.causal, 0, 0, nullptr,
             n.src.size() == 4 ? n.src[3].data_as<const int32_t>() : nullptr};
  if (a.t == 0 || a.hq == 0) return;
  if (a.t == 1 && attention_decode_supported(a.d, a.dv, a.hq, a.hkv)) {  // a decode step
    attention_decode({a.q, a.k, a.v, a.qdt, a.kdt, a.vdt, o.data(), dt_code(o.dtype()), a.s, a.hq,
                      a.hkv, a.d, p.scale, a.kv_len},
                     ctx);
    return;
  }
  // Prefill chunks on tensor cores when bf16 operands are acceptable.
  const bool bf16_inputs = q.dtype() == DType::kBF16 && k.dtype() == DType::kBF16 &&
                           v.dtype() == DType::kBF16;
  if (a.kv_len == nullptr && a.t >= kMmaMinQueries && (p.low_precision || bf16_inputs) &&
      attention_mma_supported(a.d, a.dv)) {
    attention_mma({a.q, a.k, a.v, a.qdt, a.kdt, a.vdt, o.data(), dt_code(o.dtype()), a.t, a.s,
                   a.hq, a.hkv, a.d, a.scale, a.causal},
                  ctx.stream());
    return;
  }
  // Keys per block: about 16 blocks per SM in all, and at least two keys per warp. A decode
  // step (one query) gets many short splits: each warp's keys are sequential round trips.
  // With kv_len the split count is fixed for the capacity S and each split's length follows
  // the length the kernel reads (key_range).
  const int64_t rows = a.t * a.hq;
  const int64_t per_sm = int64_t(ctx.sm_count()) * 16;
  if (a.kv_len == nullptr) {
    a.split_len = std::max<int64_t>(2 * kWarps, (a.s * rows + per_sm - 1) / per_sm);
    a.splits = static_cast<int>((a.s + a.split_len - 1) / a.split_len);
  } else {
    const int64_t most = (a.s + 2 * kWarps - 1) / (2 * kWarps);
    a.splits = static_cast<int>(std::clamp<int64_t>(per_sm / rows, 1, std::min<int64_t>(most, 65535)));
  }
  LOKA_CHECK(a.t <= 0x7fffffff && a.hq <= 65535 && a.splits <= 65535, ErrorCode::kUnsupported,
             "attention: too many queries, heads or key splits for one launch");
  Tensor partial = ctx.temp(DType::kF32, {rows * a.splits * (a.dv + 2)});
  a.partial = partial.data_as<float>();
  attention_split_kernel<<<dim3(static_cast<unsigned>(a.t), static_cast<unsigned>(a.hq),
                               static_cast<unsigned>(a.splits)),
                           32 * kWarps, 0, ctx.stream()>>>(a);
  LOKA_CUDA_LAUNCHED();
  attention_combine_kernel<<<static_cast<unsigned>(rows), 128, 0, ctx.stream()>>>(
      a.partial, a.splits, a.dv, o.data(), dt_code(o.dtype()));
  LOKA_CUDA_LAUNCHED();
}

}  // namespace

LOKA_REGISTER_CUDA_KERNEL(OpKind::kAttention, supports_attention, run_attention);

}  // namespace loka::cuda

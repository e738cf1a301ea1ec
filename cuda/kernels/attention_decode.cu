// Decode attention (one query per head): blocks over (key/value head, key split). Each warp
// walks its keys four (or two) at a time with all their loads in flight, scoring them against
// every query head of the group (a key/value row is read once for the group; the scores'
// warp reductions interleaved), with one online-softmax update per head and step. Each block
// merges its warps in one pass per few heads and writes its partial result per head; the
// last block of a key/value head to finish (a counter in the context) merges the splits, so
// one launch does the whole op.
#include <algorithm>

#include "attention_decode.h"
#include "common.cuh"
#include "cuda_check.h"
#include "device_context.h"

namespace loka::cuda {
namespace {

constexpr int kWarps = 8;
constexpr int kMaxSplits = 256;

struct Args {
  AttentionDecodeArgs op;
  int splits;
  float* partial;          // [hq, splits, d + 2]: acc, max, sum
  unsigned int* counters;  // [hkv], zero between launches
};

template <int PL>
__device__ __forceinline__ void load_row(const void* p, int dt, int64_t base, float (&r)[PL]) {
  const int lane = threadIdx.x & 31;
#pragma unroll
  for (int j = 0; j < PL; ++j) r[j] = load_float(p, dt, base + lane + 32 * j);
}

/// Keys a warp scores per step: four while the registers allow it, else two.
template <int G, int PL>
constexpr int keys_per_step() {
  return G * PL <= 16 ? 4 : 2;
}

template <int G, int PL>
__global__ void __launch_bounds__(32 * kWarps) attention_decode_kernel(const Args a) {
  constexpr int D = 32 * PL;
  constexpr int U = keys_per_step<G, PL>();
  const AttentionDecodeArgs& o = a.op;
  const int64_t kvh = blockIdx.x;
  const int split = blockIdx.y;
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  const int64_t len = o.kv_len == nullptr ? o.s : min(max(int64_t(*o.kv_len), int64_t(0)), o.s);
  const int64_t split_len = max(int64_t(U * kWarps), (len + a.splits - 1) / a.splits);
  const int64_t begin = split * split_len, end = min(begin + split_len, len);

  float qr[G][PL], acc[G][PL], m[G], l[G];
#pragma unroll
  for (int g = 0; g < G; ++g) {
    load_row(o.q, o.qdt, (kvh * G + g) * D, qr[g]);
#pragma unroll
    for (int j = 0; j < PL; ++j) acc[g][j] = 0.0f;
    m[g] = -INFINITY;
    l[g] = 0.0f;
  }
  // U keys per step, all their loads in flight; every head's U scores reduced together, then
  // one online-softmax update per head for the step.
  for (int64_t s0 = begin + warp; s0 < end; s0 += U * kWarps) {
    float kr[U][PL], vr[U][PL], dot[U][G];
    bool valid[U];
#pragma unroll
    for (int u = 0; u < U; ++u) {
      const int64_t s = s0 + int64_t{u} * kWarps;
      valid[u] = s < end;  // warp-uniform
      if (valid[u]) {
        load_row(o.k, o.kdt, (s * o.hkv + kvh) * D, kr[u]);
        load_row(o.v, o.vdt, (s * o.hkv + kvh) * D, vr[u]);
      } else {
#pragma unroll
        for (int j = 0; j < PL; ++j) kr[u][j] = vr[u][j] = 0.0f;
      }
    }
#pragma unroll
    for (int u = 0; u < U; ++u) {
#pragma unroll
      for (int g = 0; g < G; ++g) {
        float d = 0.0f;
#pragma unroll
        for (int j = 0; j < PL; ++j) d += qr[g][j] * kr[u][j];
        dot[u][g] = d * o.scale;  // scaled here, so that nothing waits on q before the keys load
      }
    }
#pragma unroll
    for (int off = 16; off > 0; off >>= 1) {
#pragma unroll
      for (int u = 0; u < U; ++u) {
#pragma unroll
        for (int g = 0; g < G; ++g) dot[u][g] += __shfl_xor_sync(0xffffffffu, dot[u][g], off);
      }
    }
#pragma unroll
    for (int g = 0; g < G; ++g) {
      float m_new = m[g];
#pragma unroll
      for (int u = 0; u < U; ++u) m_new = valid[u] ? fmaxf(m_new, dot[u][g]) : m_new;
      const float correction = expf(m[g] - m_new);
      l[g] *= correction;
#pragma unroll
      for (int j = 0; j < PL; ++j) acc[g][j] *= correction;
#pragma unroll
      for (int u = 0; u < U; ++u) {
        const float p = valid[u] ? expf(dot[u][g] - m_new) : 0.0f;
        l[g] += p;
#pragma unroll
        for (int j = 0; j < PL; ++j) acc[g][j] += p * vr[u][j];
      }
      m[g] = m_new;
    }
  }

  // Merge the block's warps into this split's partial result, HP heads per pass.
  constexpr int HP = G < 512 / D ? G : (512 / D > 0 ? 512 / D : 1);
  __shared__ float sm[kWarps][G], sl[kWarps][G], sacc[kWarps][HP * D];
  __shared__ bool last_block;
  __shared__ float scale_of[G][kMaxSplits];
  __shared__ float total_of[G];
  if (lane == 0) {
#pragma unroll
    for (int g = 0; g < G; ++g) {
      sm[warp][g] = m[g];
      sl[warp][g] = l[g];
    }
  }
#pragma unroll
  for (int g0 = 0; g0 < G; g0 += HP) {
#pragma unroll
    for (int h = 0; h < HP; ++h) {
#pragma unroll
      for (int j = 0; j < PL; ++j) sacc[warp][h * D + lane + 32 * j] = acc[g0 + h][j];
    }
    __syncthreads();
    for (int i = threadIdx.x; i < HP * D; i += 32 * kWarps) {
      const int g = g0 + i / D, c = i % D;
      float mm = -INFINITY;
#pragma unroll
      for (int w = 0; w < kWarps; ++w) mm = fmaxf(mm, sm[w][g]);
      float ll = 0.0f, r = 0.0f;
#pragma unroll
      for (int w = 0; w < kWarps; ++w) {
        const float e = sm[w][g] == -INFINITY ? 0.0f : expf(sm[w][g] - mm);
        ll += sl[w][g] * e;
        r += sacc[w][i] * e;
      }
      float* out = a.partial + ((kvh * G + g) * a.splits + split) * (D + 2);
      out[c] = r;
      if (c == 0) {
        out[D] = mm;
        out[D + 1] = ll;
      }
    }
    __syncthreads();
  }

  // The last block of this key/value head merges every split.
  __threadfence();
  __syncthreads();
  if (threadIdx.x == 0) {
    last_block = atomicAdd(&a.counters[kvh], 1u) == static_cast<unsigned>(a.splits - 1);
    if (last_block) a.counters[kvh] = 0;  // ready for the next launch
  }
  __syncthreads();
  if (!last_block) return;
  __threadfence();
  for (int g = warp; g < G; g += kWarps) {
    // One pass over the splits' (max, sum) pairs: each lane keeps its splits' running max and
    // rescaled sum, the warp combines them, and the maxima wait in shared memory to become
    // the splits' weights.
    const float* part = a.partial + (kvh * G + g) * a.splits * (D + 2);
    float lane_max = -INFINITY, lane_sum = 0.0f;
    for (int sp = lane; sp < a.splits; sp += 32) {
      const float ms = __ldcg(part + sp * (D + 2) + D), ls = __ldcg(part + sp * (D + 2) + D + 1);
      scale_of[g][sp] = ms;
      if (ms > lane_max) {
        lane_sum = lane_sum * expf(lane_max - ms) + ls;
        lane_max = ms;
      } else if (ms != -INFINITY) {
        lane_sum += ls * expf(ms - lane_max);
      }
    }
    const float mm = warp_max(lane_max);
    const float ll = warp_sum(lane_max == -INFINITY ? 0.0f : lane_sum * expf(lane_max - mm));
    for (int sp = lane; sp < a.splits; sp += 32) {
      const float ms = scale_of[g][sp];
      scale_of[g][sp] = ms == -INFINITY ? 0.0f : expf(ms - mm);
    }
    if (lane == 0) total_of[g] = ll;
  }
  __syncthreads();
  for (int i = threadIdx.x; i < G * D; i += 32 * kWarps) {
    const int g = i / D, c = i % D;
    const float* part = a.partial + (kvh * G + g) * a.splits * (D + 2);
    float r = 0.0f;
#pragma unroll 16  // the splits' loads in flight together: this loop is the op's critical path
    for (int sp = 0; sp < a.splits; ++sp) r += __ldcg(part + sp * (D + 2) + c) * scale_of[g][sp];
    const float ll = total_of[g];
    store_float(o.out, o.odt, (kvh * G + g) * D + c, ll > 0.0f ? r / ll : 0.0f);  // no key: zeros
  }
}

template <int G>
void launch_for_head_size(const Args& a, dim3 grid, cudaStream_t stream) {
  switch (a.op.d) {
    case 64: attention_decode_kernel<G, 2><<<grid, 32 * kWarps, 0, stream>>>(a); break;
    case 128: attention_decode_kernel<G, 4><<<grid, 32 * kWarps, 0, stream>>>(a); break;
    default: attention_decode_kernel<G, 8><<<grid, 32 * kWarps, 0, stream>>>(a); break;
  }
}

}  // namespace

bool attention_decode_supported(int64_t d, int64_t dv, int64_t hq, int64_t hkv) {
  const int64_t g = hkv > 0 ? hq / hkv : 0;
  return d == dv && (d == 64 || d == 128 || d == 256) && hkv > 0 && hq % hkv == 0 &&
         (g == 1 || g == 2 || g == 4 || g == 8) && hkv <= kBlockCounterCount && hkv <= 65535;
}

void attention_decode(const AttentionDecodeArgs& op, DeviceContext& ctx) {
  // About one block per SM over the key/value heads, each warp with at least four keys.
  const int64_t most = std::max<int64_t>(1, (op.s + 4 * kWarps - 1) / (4 * kWarps));  // >= 4 keys a warp
  const int64_t want = (int64_t(ctx.sm_count()) + op.hkv - 1) / op.hkv;
  Args a{op, static_cast<int>(std::clamp<int64_t>(want, 1, std::min<int64_t>(most, kMaxSplits))),
         nullptr, ctx.block_counters()};
  Tensor partial = ctx.temp(DType::kF32, {op.hq * a.splits * (op.d + 2)});
  a.partial = partial.data_as<float>();
  const dim3 grid(static_cast<unsigned>(op.hkv), static_cast<unsigned>(a.splits));
  switch (op.hq / op.hkv) {
    case 1: launch_for_head_size<1>(a, grid, ctx.stream()); break;
    case 2: launch_for_head_size<2>(a, grid, ctx.stream()); break;
    case 4: launch_for_head_size<4>(a, grid, ctx.stream()); break;
    default: launch_for_head_size<8>(a, grid, ctx.stream()); break;
  }
  LOKA_CUDA_LAUNCHED();
}

}  // namespace loka::cuda

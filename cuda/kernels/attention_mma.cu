// Prefill attention on tensor cores (flash-attention style, WMMA 16x16x16, f32 accumulation):
// a block of 4 warps takes 64 queries of one head and walks the keys in tiles of 64 held in
// shared memory, keeping a running max and sum per query row. Q K^T in bf16 (scores keep
// their range); P V in f16 (probabilities in [0, 1] keep 3 more bits; V of a real model is
// far inside f16's range).
#include <mma.h>

#include "attention_mma.h"
#include "common.cuh"
#include "cuda_check.h"

namespace loka::cuda {
namespace {

using namespace nvcuda;

constexpr int kRows = 64;   // queries per block, 16 per warp
constexpr int kKeys = 64;   // keys per tile
constexpr int kWarps = 4;
constexpr int kLds = kKeys + 4;  // f32 score rows (padding against bank conflicts)
constexpr int kLdp = kKeys + 8;  // bf16 probability rows

struct Layout {
  int d, ldh, ldo;  // head size; bf16 row stride of Q/K/V tiles; f32 row stride of O
  size_t q, k, v, s, p, o, stats, bytes;
};

Layout layout_for(int d) {
  Layout l{};
  l.d = d;
  l.ldh = d + 8;
  l.ldo = d + 4;
  size_t off = 0;
  auto take = [&](size_t bytes) {
    const size_t at = off;
    off += (bytes + 127) / 128 * 128;
    return at;
  };
  l.q = take(size_t(kRows) * l.ldh * 2);
  l.k = take(size_t(kKeys) * l.ldh * 2);
  l.v = take(size_t(kKeys) * l.ldh * 2);
  l.s = take(size_t(kRows) * kLds * 4);
  l.p = take(size_t(kRows) * kLdp * 2);
  l.o = take(size_t(kRows) * l.ldo * 4);
  l.stats = take(size_t(kRows) * 2 * 4);
  l.bytes = off;
  return l;
}

__device__ __forceinline__ void store4(__nv_bfloat16* o, float4 v) {
  o[0] = __float2bfloat16_rn(v.x);
  o[1] = __float2bfloat16_rn(v.y);
  o[2] = __float2bfloat16_rn(v.z);
  o[3] = __float2bfloat16_rn(v.w);
}

__device__ __forceinline__ void store4(__half* o, float4 v) {
  o[0] = __float2half_rn(v.x);
  o[1] = __float2half_rn(v.y);
  o[2] = __float2half_rn(v.z);
  o[3] = __float2half_rn(v.w);
}

// Rows [row0, row0 + rows) of a [*, heads, d] tensor at `head` into 16-bit shared rows of
// stride ld, zeros from row_end on. Each thread has eight 4-element loads in flight before it
// stores any (one memory latency per eight, not per element).
template <typename H>
__device__ __forceinline__ void load_tile(H* dst, int ld, const void* src, int dt, int64_t row0,
                                          int64_t row_end, int64_t heads, int64_t head, int d, int rows) {
  constexpr int kInFlight = 8;
  const int quads = d / 4, total = rows * quads, step = blockDim.x;
  const bool f32x4 = dt == kDtF32 && (reinterpret_cast<uintptr_t>(src) & 15) == 0;
  for (int base = threadIdx.x; base < total; base += kInFlight * step) {
    float4 v[kInFlight];
#pragma unroll
    for (int j = 0; j < kInFlight; ++j) {
      const int i = base + j * step;
      v[j] = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
      const int r = i / quads;
      const int64_t row = row0 + r;
      if (i < total && row < row_end) {
        const int64_t at = (row * heads + head) * d + (i - r * quads) * 4;
        v[j] = f32x4 ? *reinterpret_cast<const float4*>(static_cast<const float*>(src) + at)
                            : make_float4(load_float(src, dt, at), load_float(src, dt, at + 1),
                                          load_float(src, dt, at + 2), load_float(src, dt, at + 3));
      }
    }
#pragma unroll
    for (int j = 0; j < kInFlight; ++j) {
      const int i = base + j * step;
      if (i < total) {
        const int r = i / quads;
        store4(dst + r * ld + (i - r * quads) * 4, v[j]);
      }
    }
  }
}

__global__ void attention_mma_kernel(const AttentionMmaArgs a, const Layout L) {
  extern __shared__ __align__(128) unsigned char smem[];
  auto* qs = reinterpret_cast<__nv_bfloat16*>(smem + L.q);
  auto* ks = reinterpret_cast<__nv_bfloat16*>(smem + L.k);
  auto* vs = reinterpret_cast<__half*>(smem + L.v);
  auto* ss = reinterpret_cast<float*>(smem + L.s);
  auto* ps = reinterpret_cast<__half*>(smem + L.p);
  auto* os = reinterpret_cast<float*>(smem + L.o);
  auto* stats = reinterpret_cast<float*>(smem + L.stats);  // [row][max, sum]

  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31;
  const int64_t h = blockIdx.y, kvh = h / (a.hq / a.hkv);
  const int64_t q0 = int64_t(blockIdx.x) * kRows;
  const int d = L.d;

  load_tile(qs, L.ldh, a.q, a.qdt, q0, a.t, a.hq, h, d, kRows);
  for (int i = threadIdx.x; i < kRows * L.ldo; i += blockDim.x) os[i] = 0.0f;
  for (int i = threadIdx.x; i < kRows; i += blockDim.x) {
    stats[2 * i] = -INFINITY;
    stats[2 * i + 1] = 0.0f;
  }
  // Keys any query of this block may see.
  const int64_t q_last = min(q0 + kRows, a.t) - 1;
  const int64_t key_end = a.causal ? a.s - a.t + q_last + 1 : a.s;
  const int wr = warp * 16;  // this warp's first row

  for (int64_t k0 = 0; k0 < key_end; k0 += kKeys) {
    __syncthreads();  // the previous tile's K/V are no longer read
    load_tile(ks, L.ldh, a.k, a.kdt, k0, a.s, a.hkv, kvh, d, kKeys);
    load_tile(vs, L.ldh, a.v, a.vdt, k0, a.s, a.hkv, kvh, d, kKeys);
    __syncthreads();

    // Scores of this warp's 16 rows against the 64 keys.
    for (int n = 0; n < kKeys / 16; ++n) {
      wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
      wmma::fill_fragment(acc, 0.0f);
      for (int kk = 0; kk < d; kk += 16) {
        wmma::fragment<wmma::matrix_a, 16, 16, 16, __nv_bfloat16, wmma::row_major> fa;
        wmma::fragment<wmma::matrix_b, 16, 16, 16, __nv_bfloat16, wmma::col_major> fb;
        wmma::load_matrix_sync(fa, qs + wr * L.ldh + kk, L.ldh);
        wmma::load_matrix_sync(fb, ks + (n * 16) * L.ldh + kk, L.ldh);
        wmma::mma_sync(acc, fa, fb, acc);
      }
      wmma::store_matrix_sync(ss + wr * kLds + n * 16, acc, kLds, wmma::mem_row_major);
    }
    __syncwarp();

    // Online softmax: two lanes per row, 32 keys each.
    {
      const int r = wr + lane / 2, half = lane & 1;
      const int64_t t = q0 + r;
      const int64_t limit = a.causal ? a.s - a.t + t : a.s - 1;  // last visible key
      float* srow = ss + r * kLds + half * 32;
      float mx = -INFINITY;
      for (int j = 0; j < 32; ++j) {
        const int64_t s = k0 + half * 32 + j;
        const float v = s <= limit && s < a.s ? srow[j] * a.scale : -INFINITY;
        srow[j] = v;
        mx = fmaxf(mx, v);
      }
      mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 1));
      const float m_old = stats[2 * r], m_new = fmaxf(m_old, mx);
      const float corr = m_new == -INFINITY ? 1.0f : expf(m_old - m_new);
      float sum = 0.0f;
      __half* prow = ps + r * kLdp + half * 32;
      for (int j = 0; j < 32; ++j) {
        // The sum takes the rounded probabilities: numerator and denominator agree.
        const __half p = __float2half_rn(m_new == -INFINITY ? 0.0f : expf(srow[j] - m_new));
        sum += __half2float(p);
        prow[j] = p;
      }
      sum += __shfl_xor_sync(0xffffffffu, sum, 1);
      float* orow = os + r * L.ldo;
      for (int c = half; c < d; c += 2) orow[c] *= corr;
      __syncwarp();
      if (half == 0) {
        stats[2 * r] = m_new;
        stats[2 * r + 1] = stats[2 * r + 1] * corr + sum;
      }
    }
    __syncwarp();

    // O += P V for this warp's rows.
    for (int n = 0; n < d; n += 16) {
      wmma::fragment<wmma::accumulator, 16, 16, 16, float> acc;
      wmma::load_matrix_sync(acc, os + wr * L.ldo + n, L.ldo, wmma::mem_row_major);
      for (int kk = 0; kk < kKeys; kk += 16) {
        wmma::fragment<wmma::matrix_a, 16, 16, 16, __half, wmma::row_major> fa;
        wmma::fragment<wmma::matrix_b, 16, 16, 16, __half, wmma::row_major> fb;
        wmma::load_matrix_sync(fa, ps + wr * kLdp + kk, kLdp);
        wmma::load_matrix_sync(fb, vs + kk * L.ldh + n, L.ldh);
        wmma::mma_sync(acc, fa, fb, acc);
      }
      wmma::store_matrix_sync(os + wr * L.ldo + n, acc, L.ldo, wmma::mem_row_major);
    }
    __syncwarp();
  }
  __syncthreads();
  for (int i = threadIdx.x; i < kRows * d; i += blockDim.x) {
    const int r = i / d, c = i % d;
    const int64_t t = q0 + r;
    if (t >= a.t) continue;
    store_float(a.out, a.odt, (t * a.hq + h) * d + c, os[r * L.ldo + c] / stats[2 * r + 1]);
  }
}

}  // namespace

bool attention_mma_supported(int64_t d, int64_t dv) {
  return d == dv && d % 16 == 0 && d >= 16 && d <= 256;
}

void attention_mma(const AttentionMmaArgs& a, cudaStream_t stream) {
  if (a.t == 0 || a.hq == 0) return;
  const Layout L = layout_for(static_cast<int>(a.d));
  LOKA_CUDA(cudaFuncSetAttribute(attention_mma_kernel, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                 static_cast<int>(L.bytes)));
  const dim3 grid(static_cast<unsigned>((a.t + kRows - 1) / kRows), static_cast<unsigned>(a.hq));
  attention_mma_kernel<<<grid, 32 * kWarps, L.bytes, stream>>>(a, L);
  LOKA_CUDA_LAUNCHED();
}

}  // namespace loka::cuda

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

  for (int i = threadIdx.x; i < kRows * d; i += blockDim.x) {
    const int r = i / d, c = i % d;
    const int64_t t = q0 + r;
    const float x = t < a.t ? load_float(a.q, a.qdt, (t * a.hq + h) * d + c) : 0.0f;
    qs[r * L.ldh + c] = __float2bfloat16_rn(x);
  }
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
    for (int i = threadIdx.x; i < kKeys * d; i += blockDim.x) {
      const int r = i / d, c = i % d;
      const int64_t s = k0 + r;
      const bool ok = s < a.s;
      ks[r * L.ldh + c] = __float2bfloat16_rn(ok ? load_float(a.k, a.kdt, (s * a.hkv + kvh) * d + c) : 0.0f);
      vs[r * L.ldh + c] = __float2half_rn(ok ? load_float(a.v, a.vdt, (s * a.hkv + kvh) * d + c) : 0.0f);
    }
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

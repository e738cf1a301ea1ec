// Prefill attention on tensor cores, FlashAttention-2 style (mma.sync m16n8k16, f32
// accumulation): a block of 4 warps takes 64 queries of one head and walks the keys in tiles
// of 64 held in shared memory. Each warp owns 16 query rows and keeps their scores,
// probabilities, output accumulators and running max/sum in registers; only Q, K and V pass
// through shared memory. Q K^T in bf16 (scores keep their range); P V in f16 (probabilities
// in [0, 1] keep 3 more bits; V of a real model is far inside f16's range). Head sizes are
// padded with zero columns to 64, 128 or 256.
#include <cuda_bf16.h>
#include <cuda_fp16.h>

#include "attention_mma.h"
#include "common.cuh"
#include "cuda_check.h"

namespace loka::cuda {
namespace {

constexpr int kRows = 64;   // queries per block, 16 per warp
constexpr int kKeys = 64;   // keys per tile
constexpr int kWarps = 4;
constexpr int kThreads = 32 * kWarps;
constexpr float kLog2e = 1.4426950408889634f;

// Shared row stride of a tile with D columns: 8 halves of padding put the eight rows an
// ldmatrix reads in distinct banks.
constexpr int row_stride_of(int d) { return d + 8; }
constexpr size_t smem_bytes(int d) { return size_t(kRows + 2 * kKeys) * row_stride_of(d) * 2; }

__device__ __forceinline__ uint2 pack4(__nv_bfloat16*, float4 v) {
  const __nv_bfloat162 lo = __floats2bfloat162_rn(v.x, v.y), hi = __floats2bfloat162_rn(v.z, v.w);
  return make_uint2(*reinterpret_cast<const uint32_t*>(&lo), *reinterpret_cast<const uint32_t*>(&hi));
}

__device__ __forceinline__ uint2 pack4(__half*, float4 v) {
  const __half2 lo = __floats2half2_rn(v.x, v.y), hi = __floats2half2_rn(v.z, v.w);
  return make_uint2(*reinterpret_cast<const uint32_t*>(&lo), *reinterpret_cast<const uint32_t*>(&hi));
}

// Moves tiles of `rows` rows x D columns of a [*, heads, d] tensor at one head into 16-bit
// shared rows of stride D + 8, as kPerThread 4-column pieces per thread; columns from d on
// and rows from row_end on are zeros. fetch() issues the global loads into registers and
// store() converts and writes them, so that several loaders' loads are in flight together.
// The pieces' places are compile-time constants (no divisions).
template <int D, int kPerThread>
struct TileLoader {
  static constexpr int kQuads = D / 4;  // pieces per row
  const void* src;
  int dt, d;
  int64_t global_stride;  // elements between consecutive rows (heads * d)
  float4 v[kPerThread];

  __device__ void fetch(int64_t row0, int64_t row_end, int64_t head, int rows) {
    const bool f32x4 = dt == kDtF32 && (reinterpret_cast<uintptr_t>(src) & 15) == 0;
    const int64_t base = row0 * global_stride + head * d;
    const int64_t valid_rows = min(int64_t(rows), row_end - row0);
#pragma unroll
    for (int j = 0; j < kPerThread; ++j) {
      const int i = threadIdx.x + j * kThreads, r = i / kQuads, c = 4 * (i % kQuads);
      v[j] = make_float4(0.0f, 0.0f, 0.0f, 0.0f);
      if (r < valid_rows && c < d) {
        const int64_t at = base + r * global_stride + c;
        v[j] = f32x4 ? *reinterpret_cast<const float4*>(static_cast<const float*>(src) + at)
                     : make_float4(load_float(src, dt, at), load_float(src, dt, at + 1),
                                   load_float(src, dt, at + 2), load_float(src, dt, at + 3));
      }
    }
  }

  template <typename H>
  __device__ void store(H* dst) const {
#pragma unroll
    for (int j = 0; j < kPerThread; ++j) {
      const int i = threadIdx.x + j * kThreads;
      *reinterpret_cast<uint2*>(dst + (i / kQuads) * row_stride_of(D) + 4 * (i % kQuads)) = pack4(dst, v[j]);
    }
  }
};

__device__ __forceinline__ uint32_t shared_address(const void* p) {
  return static_cast<uint32_t>(__cvta_generic_to_shared(p));
}

// Four 8x8 16-bit matrices from shared memory, lane l giving row l % 8 of matrix l / 8.
__device__ __forceinline__ void ldmatrix_x4(uint32_t (&r)[4], uint32_t address) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0, %1, %2, %3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(address));
}

__device__ __forceinline__ void ldmatrix_x4_trans(uint32_t (&r)[4], uint32_t address) {
  asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0, %1, %2, %3}, [%4];\n"
               : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3])
               : "r"(address));
}

// c += a b for a 16x16 A (row-major fragment) and a 16x8 B (column-major fragment).
__device__ __forceinline__ void mma_bf16(float (&c)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
  asm volatile(
      "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, "
      "{%8, %9}, {%0, %1, %2, %3};\n"
      : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

__device__ __forceinline__ void mma_f16(float (&c)[4], const uint32_t (&a)[4], uint32_t b0, uint32_t b1) {
  asm volatile(
      "mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0, %1, %2, %3}, {%4, %5, %6, %7}, "
      "{%8, %9}, {%0, %1, %2, %3};\n"
      : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
      : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
}

// Rounds two probabilities to f16, packed as an mma operand; `sum` takes the rounded values so
// that numerator and denominator agree.
__device__ __forceinline__ uint32_t probabilities(float p0, float p1, float& sum) {
  const __half2 h = __floats2half2_rn(p0, p1);
  sum += __low2float(h) + __high2float(h);
  return *reinterpret_cast<const uint32_t*>(&h);
}

// The keys of a tile that row `row` sees, counted from the tile's first key k0: keys
// [k0, k0 + visible) (all of them when visible >= kKeys, none when it is <= 0).
__device__ __forceinline__ int visible_keys(const AttentionMmaArgs& a, int64_t k0, int64_t row) {
  const int64_t last = a.causal ? min(a.s - a.t + row, a.s - 1) : a.s - 1;
  return static_cast<int>(max(int64_t(-1), min(int64_t(kKeys), last - k0 + 1)));
}

// Fragment layout (m16n8k16, lane = 4 g + q): an accumulator tile c[j] of 16 rows x 8 columns
// holds (row g, columns 2q, 2q + 1) in c[j][0..1] and (row g + 8, same columns) in c[j][2..3].
template <int D>
__global__ void __launch_bounds__(kThreads) attention_mma_kernel(const AttentionMmaArgs a) {
  constexpr int kLd = row_stride_of(D);
  // Tiles move in parts of 8 pieces per thread, a part of K and one of V in flight together
  // (a whole tile's would not fit in registers beside O).
  constexpr int kPerThread = 8;
  constexpr int kPartRows = kThreads * kPerThread / (D / 4);
  extern __shared__ __align__(128) unsigned char smem[];
  auto* qs = reinterpret_cast<__nv_bfloat16*>(smem);
  auto* ks = qs + kRows * kLd;
  auto* vs = reinterpret_cast<__half*>(ks + kKeys * kLd);

  const int d = static_cast<int>(a.d);  // columns from d to D are zeros in Q, K and V
  const int warp = threadIdx.x >> 5, lane = threadIdx.x & 31, g = lane >> 2, quad = lane & 3;
  const int64_t h = blockIdx.y, kvh = h / (a.hq / a.hkv);
  const int64_t q0 = int64_t(gridDim.x - 1 - blockIdx.x) * kRows;  // the longest blocks first
  TileLoader<D, kPerThread> kl{a.k, a.kdt, d, a.hkv * a.d, {}}, vl{a.v, a.vdt, d, a.hkv * a.d, {}};
  {
    TileLoader<D, kPerThread> ql{a.q, a.qdt, d, a.hq * a.d, {}};
    for (int r = 0; r < kRows; r += kPartRows) {
      ql.fetch(q0 + r, a.t, h, kPartRows);
      ql.store(qs + r * kLd);
    }
  }

  // Lane addresses of the ldmatrix loads: Q as the A operand (rows of this warp), K as the
  // B operand of Q K^T (keys x columns, two 8-key blocks per load) and V, transposed, as the
  // B operand of P V (keys x columns, two 8-column blocks per load).
  const int mat = lane >> 3, mrow = lane & 7;
  const uint32_t q_at = shared_address(qs + (warp * 16 + (mat & 1) * 8 + mrow) * kLd + (mat >> 1) * 8);
  const uint32_t k_at = shared_address(ks + ((mat >> 1) * 8 + mrow) * kLd + (mat & 1) * 8);
  const uint32_t v_at = shared_address(vs + ((mat & 1) * 8 + mrow) * kLd + (mat >> 1) * 8);

  float o[D / 8][4] = {};
  float m[2] = {-INFINITY, -INFINITY}, l[2] = {0.0f, 0.0f};  // per row g and g + 8
  const float scale = a.scale * kLog2e;                      // scores in log2 units
  const int64_t row[2] = {q0 + warp * 16 + g, q0 + warp * 16 + g + 8};
  const int64_t q_last = min(q0 + kRows, a.t) - 1;
  const int64_t key_end = a.causal ? a.s - a.t + q_last + 1 : a.s;  // keys any query here sees

  for (int64_t k0 = 0; k0 < key_end; k0 += kKeys) {
    __syncthreads();  // the previous tile's K/V are no longer read
    for (int r = 0; r < kKeys; r += kPartRows) {
      kl.fetch(k0 + r, a.s, kvh, kPartRows);
      vl.fetch(k0 + r, a.s, kvh, kPartRows);
      kl.store(ks + r * kLd);
      vl.store(vs + r * kLd);
    }
    __syncthreads();

    float s[kKeys / 8][4] = {};
#pragma unroll
    for (int kk = 0; kk < D; kk += 16) {
      uint32_t qa[4];
      ldmatrix_x4(qa, q_at + kk * 2);
#pragma unroll
      for (int p = 0; p < kKeys / 16; ++p) {
        uint32_t kb[4];
        ldmatrix_x4(kb, k_at + (p * 16 * kLd + kk) * 2);
        mma_bf16(s[2 * p], qa, kb[0], kb[1]);
        mma_bf16(s[2 * p + 1], qa, kb[2], kb[3]);
      }
    }

    // Scaled scores, masked where the tile reaches past a row's last key, and the running
    // max of each row (its four lanes agree).
    const int seen[2] = {visible_keys(a, k0, row[0]), visible_keys(a, k0, row[1])};
    float mx[2] = {-INFINITY, -INFINITY};
#pragma unroll
    for (int j = 0; j < kKeys / 8; ++j) {
#pragma unroll
      for (int e = 0; e < 4; ++e) {
        const int key = 8 * j + 2 * quad + (e & 1);
        s[j][e] = key < seen[e >> 1] ? s[j][e] * scale : -INFINITY;
        mx[e >> 1] = fmaxf(mx[e >> 1], s[j][e]);
      }
    }
    float corr[2];
#pragma unroll
    for (int r = 0; r < 2; ++r) {
      mx[r] = fmaxf(mx[r], __shfl_xor_sync(0xffffffffu, mx[r], 1));
      mx[r] = fmaxf(mx[r], __shfl_xor_sync(0xffffffffu, mx[r], 2));
      const float m_new = fmaxf(m[r], mx[r]);
      corr[r] = m_new == -INFINITY ? 1.0f : exp2f(m[r] - m_new);
      m[r] = m_new;
      l[r] *= corr[r];
    }
#pragma unroll
    for (int j = 0; j < D / 8; ++j) {
      o[j][0] *= corr[0];
      o[j][1] *= corr[0];
      o[j][2] *= corr[1];
      o[j][3] *= corr[1];
    }

    // O += P V, 16 keys at a time: two score tiles make one A operand.
    const float m0 = m[0] == -INFINITY ? 0.0f : m[0], m1 = m[1] == -INFINITY ? 0.0f : m[1];
#pragma unroll
    for (int kb = 0; kb < kKeys / 16; ++kb) {
      uint32_t pa[4];
#pragma unroll
      for (int half = 0; half < 2; ++half) {
        const float(&t)[4] = s[2 * kb + half];
        pa[2 * half] = probabilities(exp2f(t[0] - m0), exp2f(t[1] - m0), l[0]);
        pa[2 * half + 1] = probabilities(exp2f(t[2] - m1), exp2f(t[3] - m1), l[1]);
      }
#pragma unroll
      for (int c = 0; c < D / 16; ++c) {
        uint32_t vb[4];
        ldmatrix_x4_trans(vb, v_at + (kb * 16 * kLd + c * 16) * 2);
        mma_f16(o[2 * c], pa, vb[0], vb[1]);
        mma_f16(o[2 * c + 1], pa, vb[2], vb[3]);
      }
    }
  }

  // Each lane summed its own columns: the row sums add the four lanes of the row.
#pragma unroll
  for (int r = 0; r < 2; ++r) {
    l[r] += __shfl_xor_sync(0xffffffffu, l[r], 1);
    l[r] += __shfl_xor_sync(0xffffffffu, l[r], 2);
  }
#pragma unroll
  for (int j = 0; j < D / 8; ++j) {
    const int c = 8 * j + 2 * quad;
    if (c >= d) break;
#pragma unroll
    for (int e = 0; e < 4; ++e) {
      const int64_t t = row[e >> 1];
      if (t < a.t) store_float(a.out, a.odt, (t * a.hq + h) * d + c + (e & 1), o[j][e] / l[e >> 1]);
    }
  }
}

template <int D>
void launch(const AttentionMmaArgs& a, cudaStream_t stream) {
  const size_t bytes = smem_bytes(D);
  LOKA_CUDA(cudaFuncSetAttribute(attention_mma_kernel<D>, cudaFuncAttributeMaxDynamicSharedMemorySize,
                                 static_cast<int>(bytes)));
  const dim3 grid(static_cast<unsigned>((a.t + kRows - 1) / kRows), static_cast<unsigned>(a.hq));
  attention_mma_kernel<D><<<grid, kThreads, bytes, stream>>>(a);
  LOKA_CUDA_LAUNCHED();
}

}  // namespace

bool attention_mma_supported(int64_t d, int64_t dv) {
  return d == dv && d % 16 == 0 && d >= 16 && d <= 256;
}

void attention_mma(const AttentionMmaArgs& a, cudaStream_t stream) {
  if (a.t == 0 || a.hq == 0) return;
  if (a.d <= 64) {
    launch<64>(a, stream);
  } else if (a.d <= 128) {
    launch<128>(a, stream);
  } else {
    launch<256>(a, stream);
  }
}

}  // namespace loka::cuda

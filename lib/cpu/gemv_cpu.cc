// Decode GEMV: each thread takes a contiguous range of weight rows, streamed from memory once,
// a few rows at a time against all M activation rows (register tiles, independent
// accumulators to hide FMA latency). AVX-512 and AVX2+F16C kernels are chosen at run time; a
// portable one serves other CPUs.
#include "cpu/gemv_cpu.h"

#include <immintrin.h>

#include <algorithm>
#include <type_traits>

#include "core/error.h"
#include "core/half.h"
#include "core/thread_pool.h"
#include "cpu/cpu_features.h"

#define LOKA_AVX2 __attribute__((target("avx2,fma,f16c")))
#define LOKA_AVX512 __attribute__((target("avx512f,avx2,fma,f16c")))
#define LOKA_INLINE __attribute__((always_inline)) inline

namespace loka::cpu {
namespace {

using Bf16 = uint16_t;  // raw bf16 bits

template <typename T>
LOKA_INLINE float widen(T v) {
  if constexpr (std::is_same_v<T, Bf16>) {
    return bf16_to_f32(v);
  } else if constexpr (std::is_same_v<T, _Float16>) {
    return static_cast<float>(v);
  } else {
    return v;
  }
}

template <typename T>
LOKA_AVX2 LOKA_INLINE __m256 load8(const T* p) {
  if constexpr (std::is_same_v<T, Bf16>) {
    const __m128i h = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(h), 16));
  } else if constexpr (std::is_same_v<T, _Float16>) {
    return _mm256_cvtph_ps(_mm_loadu_si128(reinterpret_cast<const __m128i*>(p)));
  } else {
    return _mm256_loadu_ps(p);
  }
}

template <typename T>
LOKA_AVX512 LOKA_INLINE __m512 load16(const T* p) {
  if constexpr (std::is_same_v<T, Bf16>) {
    const __m256i h = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
    const __m512i wide = _mm512_maskz_cvtepu16_epi32(0xffff, h);
    return _mm512_castsi512_ps(_mm512_maskz_slli_epi32(0xffff, wide, 16));
  } else if constexpr (std::is_same_v<T, _Float16>) {
    return _mm512_maskz_cvtph_ps(0xffff, _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p)));
  } else {
    return _mm512_loadu_ps(p);
  }
}

LOKA_AVX2 LOKA_INLINE float hsum(__m256 v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}

// Maskz forms only: GCC 12 warns about the undefined pass-through operand of the unmasked
// ones (_mm512_reduce_add_ps, _mm512_castps512_ps256).
LOKA_AVX512 LOKA_INLINE float hsum(__m512 v) {
  const __m512 halves = _mm512_add_ps(v, _mm512_maskz_shuffle_f32x4(0xffff, v, v, 0x4e));
  return hsum(_mm256_castpd_ps(_mm512_maskz_extractf64x4_pd(0xff, _mm512_castps_pd(halves), 0)));
}

// Tiles: weight rows [n, n + R) against the M activation rows with M x R accumulators in
// registers, in one pass over K, so each weight vector is loaded and widened once and used M
// times while the next rows stream in. Rows past N repeat row N - 1; their results are dropped.
template <typename T, int R>
LOKA_INLINE void row_pointers(const GemvArgs& g, int64_t n, const T* (&w)[R]) {
  for (int r = 0; r < R; ++r) {
    w[r] = static_cast<const T*>(g.w) + std::min<int64_t>(n + r, g.N - 1) * g.ldw;
  }
}

// Adds the products of k0 .. K-1 (the tail a vector loop left) to out, then stores it.
template <typename T, int M, int R>
LOKA_INLINE void finish(const GemvArgs& g, int64_t n, const T* const (&w)[R], int64_t k0,
                        float (&out)[M][R]) {
  for (int64_t k = k0; k < g.K; ++k) {
    for (int m = 0; m < M; ++m) {
      for (int r = 0; r < R; ++r) out[m][r] += g.x[m * g.ldx + k] * widen(w[r][k]);
    }
  }
  const int64_t rows = std::min<int64_t>(R, g.N - n);
  for (int m = 0; m < M; ++m) {
    for (int64_t r = 0; r < rows; ++r) g.y[m * g.ldy + n + r] = out[m][r];
  }
}

template <typename T, int M, int R>
void tile_portable(const GemvArgs& g, int64_t n) {
  const T* w[R];
  row_pointers(g, n, w);
  float out[M][R] = {};
  finish(g, n, w, 0, out);
}

template <typename T, int M, int R>
LOKA_AVX2 void tile_avx2(const GemvArgs& g, int64_t n) {
  const T* w[R];
  row_pointers(g, n, w);
  __m256 acc[M][R];
#pragma GCC unroll 16
  for (int i = 0; i < M * R; ++i) acc[i / R][i % R] = _mm256_setzero_ps();
  int64_t k = 0;
  for (; k + 8 <= g.K; k += 8) {
    __m256 wv[R];
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r) wv[r] = load8(w[r] + k);
#pragma GCC unroll 4
    for (int m = 0; m < M; ++m) {
      const __m256 xv = _mm256_loadu_ps(g.x + m * g.ldx + k);
#pragma GCC unroll 4
      for (int r = 0; r < R; ++r) acc[m][r] = _mm256_fmadd_ps(xv, wv[r], acc[m][r]);
    }
  }
  float out[M][R];
  for (int i = 0; i < M * R; ++i) out[i / R][i % R] = hsum(acc[i / R][i % R]);
  finish(g, n, w, k, out);
}

template <typename T, int M, int R>
LOKA_AVX512 void tile_avx512(const GemvArgs& g, int64_t n) {
  const T* w[R];
  row_pointers(g, n, w);
  __m512 acc[M][R];
#pragma GCC unroll 16
  for (int i = 0; i < M * R; ++i) acc[i / R][i % R] = _mm512_setzero_ps();
  int64_t k = 0;
  for (; k + 16 <= g.K; k += 16) {
    __m512 wv[R];
#pragma GCC unroll 4
    for (int r = 0; r < R; ++r) wv[r] = load16(w[r] + k);
#pragma GCC unroll 4
    for (int m = 0; m < M; ++m) {
      const __m512 xv = _mm512_loadu_ps(g.x + m * g.ldx + k);
#pragma GCC unroll 4
      for (int r = 0; r < R; ++r) acc[m][r] = _mm512_fmadd_ps(xv, wv[r], acc[m][r]);
    }
  }
  float out[M][R];
  for (int i = 0; i < M * R; ++i) out[i / R][i % R] = hsum(acc[i / R][i % R]);
  finish(g, n, w, k, out);
}

struct Kernel {
  void (*tile)(const GemvArgs&, int64_t n);
  int rows;  // R
};

// AVX2 has 16 vector registers for M x R accumulators, R weights and x: R = 4 up to M = 2.
template <typename T, int M>
Kernel kernel(GemvIsa isa) {
  constexpr int kAvx2Rows = M <= 2 ? 4 : M == 3 ? 3 : 2;
  switch (isa) {
    case GemvIsa::kAvx512: return {tile_avx512<T, M, 4>, 4};
    case GemvIsa::kAvx2: return {tile_avx2<T, M, kAvx2Rows>, kAvx2Rows};
    default: return {tile_portable<T, M, 4>, 4};
  }
}

template <typename T>
Kernel kernel(GemvIsa isa, int64_t M) {
  static_assert(kGemvMaxRows == 4, "one tile instance per M");
  switch (M) {
    case 1: return kernel<T, 1>(isa);
    case 2: return kernel<T, 2>(isa);
    case 3: return kernel<T, 3>(isa);
    default: return kernel<T, 4>(isa);
  }
}

GemvIsa best_isa() {
  const CpuFeatures& f = cpu_features();
  if (f.avx512f) return GemvIsa::kAvx512;
  if (f.avx2 && f.fma && f.f16c) return GemvIsa::kAvx2;
  return GemvIsa::kPortable;
}

}  // namespace

bool gemv_isa_available(GemvIsa isa) {
  const GemvIsa best = best_isa();
  return isa == GemvIsa::kAuto || isa == GemvIsa::kPortable || isa == best ||
         (isa == GemvIsa::kAvx2 && best == GemvIsa::kAvx512);
}

void gemv(const GemvArgs& g, ThreadPool& pool, GemvIsa isa) {
  LOKA_CHECK(gemv_isa_available(isa), ErrorCode::kUnsupported, "gemv: this CPU lacks the ISA asked for");
  if (g.M <= 0 || g.N <= 0) return;
  if (g.K <= 0) {
    for (int64_t m = 0; m < g.M; ++m) std::fill_n(g.y + m * g.ldy, g.N, 0.0f);
    return;
  }
  LOKA_CHECK(g.M <= kGemvMaxRows, ErrorCode::kInvalidArgument, "gemv: more than kGemvMaxRows rows");
  if (isa == GemvIsa::kAuto) isa = best_isa();
  const Kernel kern = g.w_dtype == DType::kBF16 ? kernel<Bf16>(isa, g.M)
                      : g.w_dtype == DType::kF16 ? kernel<_Float16>(isa, g.M)
                                                 : kernel<float>(isa, g.M);
  const int64_t n_blocks = (g.N + kern.rows - 1) / kern.rows;
  // At least ~16K weight elements per task, so small products do not pay for a hand-off.
  const int64_t grain = std::max<int64_t>(1, (int64_t{16} << 10) / (g.K * kern.rows));
  pool.parallel_for(n_blocks, grain, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) kern.tile(g, b * kern.rows);
  });
}

}  // namespace loka::cpu

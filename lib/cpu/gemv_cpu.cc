// Decode GEMV: each thread takes a contiguous range of weight rows, streamed from memory once,
// a few rows at a time against all M activation rows (register tiles, independent
// accumulators to hide FMA latency). AVX-512 and AVX2+F16C kernels are chosen at run time; a
// portable one serves other CPUs.
#include "cpu/gemv_cpu.h"

#include <immintrin.h>

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

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

// The AVX-512 helpers use maskz forms: GCC 12 warns (-Wmaybe-uninitialized) about the
// undefined pass-through operand of the unmasked ones (_mm512_reduce_add_ps and others).
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

// What a tile reads: the product, plus for bf16 and f16 on AVX2 the activations
// de-interleaved per 16 elements (the 8 even ones, then the 8 odd ones) in xp; for f16 they
// are scaled by kF16BitsScale (see f16_bits_to_f32_scaled). xp is empty when not used.
struct TileArgs : GemvArgs {
  const float* xp = nullptr;
  int64_t ldxp = 0;
};

// F16 weights on AVX2: vcvtph2ps alone bounds the GEMV below the memory bandwidth on some
// CPUs (Zen 1: ~15 GB/s per core in cache, 27 GB/s for bf16). Half of a tile's rows are
// therefore widened by integer shifts on the other vector pipes instead: the f16 bits moved
// into an f32's exponent and mantissa fields (sign kept in bit 31) read as the weight times
// 2^-112, exactly, subnormals included. The activations carry 2^100 of the missing factor
// (kF16BitsScale) and the row's sum the remaining 2^12 (kF16BitsUnscale), so a product
// overflows only for |x| >= 2^28; gemv() checks that bound before it takes this path. An
// infinite or NaN weight reads as a finite one on this path.
constexpr float kF16BitsScale = 0x1p100f, kF16BitsUnscale = 0x1p12f;
constexpr float kF16BitsMaxX = 0x1p27f;

// Sixteen f16 read as eight 32-bit words: odd elements (high halves) and even ones (low halves).
LOKA_AVX2 LOKA_INLINE void f16_bits_to_f32_scaled(__m256i v, __m256& even, __m256& odd) {
  const __m256i fields = _mm256_set1_epi32(static_cast<int>(0x8fffe000u));  // sign, exp, mantissa
  odd = _mm256_castsi256_ps(_mm256_and_si256(_mm256_srai_epi32(v, 3), fields));
  even = _mm256_castsi256_ps(_mm256_and_si256(_mm256_srai_epi32(_mm256_slli_epi32(v, 16), 3), fields));
}

template <typename T, int M, int R>
void tile_portable(const TileArgs& g, int64_t n) {
  const T* w[R];
  row_pointers(g, n, w);
  float out[M][R] = {};
  finish(g, n, w, 0, out);
}

template <typename T, int M, int R>
LOKA_AVX2 void tile_avx2(const TileArgs& g, int64_t n) {
  const T* w[R];
  row_pointers(g, n, w);
  __m256 acc[M][R];
#pragma GCC unroll 16
  for (int i = 0; i < M * R; ++i) acc[i / R][i % R] = _mm256_setzero_ps();
  int64_t k = 0;
  // F16 with xp: rows [0, R/2) through vcvtph2ps, rows [R/2, R) through f16_bits_to_f32_scaled.
  constexpr int kCvtRows = std::is_same_v<T, _Float16> ? R / 2 : R;
  if constexpr (std::is_same_v<T, _Float16>) {
    for (; g.xp != nullptr && k + 16 <= g.K; k += 16) {
      __m256 lo[R], hi[R];
#pragma GCC unroll 4
      for (int r = 0; r < kCvtRows; ++r) {
        lo[r] = load8(w[r] + k);
        hi[r] = load8(w[r] + k + 8);
      }
#pragma GCC unroll 4
      for (int r = kCvtRows; r < R; ++r) {
        f16_bits_to_f32_scaled(_mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[r] + k)),
                               lo[r], hi[r]);
      }
#pragma GCC unroll 4
      for (int m = 0; m < M; ++m) {
        const __m256 x0 = _mm256_loadu_ps(g.x + m * g.ldx + k);
        const __m256 x1 = _mm256_loadu_ps(g.x + m * g.ldx + k + 8);
        const __m256 xe = _mm256_loadu_ps(g.xp + m * g.ldxp + k);
        const __m256 xo = _mm256_loadu_ps(g.xp + m * g.ldxp + k + 8);
#pragma GCC unroll 4
        for (int r = 0; r < R; ++r) {
          acc[m][r] = _mm256_fmadd_ps(r < kCvtRows ? x0 : xe, lo[r], acc[m][r]);
          acc[m][r] = _mm256_fmadd_ps(r < kCvtRows ? x1 : xo, hi[r], acc[m][r]);
        }
      }
    }
    if (k > 0) {
      const __m256 unscale = _mm256_set1_ps(kF16BitsUnscale);
      for (int m = 0; m < M; ++m) {
        for (int r = kCvtRows; r < R; ++r) acc[m][r] = _mm256_mul_ps(acc[m][r], unscale);
      }
    }
  }
  if constexpr (std::is_same_v<T, Bf16>) {
    // Sixteen bf16 read as eight 32-bit words: the high halves are the odd elements as f32
    // already, the low halves shifted up are the even ones. This saves the widening shuffles
    // that otherwise bound the loop on Zen (one thread, in cache, on the 2-vCPU EPYC: 6.3 ->
    // 8.3 G weights/s; from memory 7.9 -> 9.2 GB/s).
    const __m256i high = _mm256_set1_epi32(static_cast<int>(0xffff0000u));
    for (; k + 16 <= g.K; k += 16) {
      __m256i v[R];
#pragma GCC unroll 4
      for (int r = 0; r < R; ++r)
        v[r] = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(w[r] + k));
#pragma GCC unroll 4
      for (int m = 0; m < M; ++m) {
        const __m256 xe = _mm256_loadu_ps(g.xp + m * g.ldxp + k);
        const __m256 xo = _mm256_loadu_ps(g.xp + m * g.ldxp + k + 8);
#pragma GCC unroll 4
        for (int r = 0; r < R; ++r) {
          acc[m][r] =
              _mm256_fmadd_ps(xe, _mm256_castsi256_ps(_mm256_slli_epi32(v[r], 16)), acc[m][r]);
          acc[m][r] =
              _mm256_fmadd_ps(xo, _mm256_castsi256_ps(_mm256_and_si256(v[r], high)), acc[m][r]);
        }
      }
    }
  }
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
LOKA_AVX512 void tile_avx512(const TileArgs& g, int64_t n) {
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

using Tile = void (*)(const TileArgs&, int64_t n);

// Activation rows per tile: M x R accumulators must stay in registers.
constexpr int64_t kTileRows = 4;

template <typename T, int M, int R>
Tile tile_for(GemvIsa isa) {
  if (isa == GemvIsa::kAvx512) return tile_avx512<T, M, R>;
  if (isa == GemvIsa::kAvx2) return tile_avx2<T, M, R>;
  return tile_portable<T, M, R>;
}

template <typename T, int R>
Tile tile(GemvIsa isa, int64_t m) {
  static_assert(kTileRows == 4, "one instance per tile height");
  switch (m) {
    case 1: return tile_for<T, 1, R>(isa);
    case 2: return tile_for<T, 2, R>(isa);
    case 3: return tile_for<T, 3, R>(isa);
    default: return tile_for<T, 4, R>(isa);
  }
}

// Weight rows per tile: AVX2's 16 registers hold 4 x M accumulators, 4 weights and x up to
// M = 2, else 2 rows; AVX-512 has 32.
int rows_per_tile(GemvIsa isa, int64_t m) { return isa == GemvIsa::kAvx2 && m > 2 ? 2 : 4; }

template <typename T>
Tile tile(GemvIsa isa, int rows, int64_t m) {
  return rows == 2 ? tile<T, 2>(isa, m) : tile<T, 4>(isa, m);
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
  LOKA_CHECK(gemv_isa_available(isa), ErrorCode::kUnsupported,
             "gemv: this CPU lacks the ISA asked for");
  if (g.M <= 0 || g.N <= 0) return;
  if (g.K <= 0) {
    for (int64_t m = 0; m < g.M; ++m) std::fill_n(g.y + m * g.ldy, g.N, 0.0f);
    return;
  }
  LOKA_CHECK(g.M <= kGemvMaxRows, ErrorCode::kInvalidArgument, "gemv: more than kGemvMaxRows rows");
  if (isa == GemvIsa::kAuto) isa = best_isa();
  // M is covered by tiles of up to kTileRows activation rows; for each block of weight rows
  // the first tile streams it from memory and the others find it in L1/L2.
  const int rows = rows_per_tile(isa, std::min(g.M, kTileRows));
  std::vector<float> xp;
  const int64_t k16 = g.K / 16 * 16;
  if (isa == GemvIsa::kAvx2 && (g.w_dtype == DType::kBF16 || g.w_dtype == DType::kF16)) {
    const bool f16 = g.w_dtype == DType::kF16;
    const float scale = f16 ? kF16BitsScale : 1.0f;
    bool in_range = true;
    xp.resize(static_cast<size_t>(g.M * k16));
    for (int64_t m = 0; m < g.M; ++m) {
      for (int64_t k = 0; k < k16; ++k) {
        const float v = g.x[m * g.ldx + k];
        in_range = in_range && std::fabs(v) < kF16BitsMaxX;
        xp[m * k16 + k / 16 * 16 + k % 2 * 8 + k % 16 / 2] = v * scale;
      }
    }
    if (f16 && !in_range) xp.clear();  // the vcvtph2ps loop takes every row
  }
  TileArgs groups[kGemvMaxRows / kTileRows];
  Tile tiles[kGemvMaxRows / kTileRows];
  const int64_t n_groups = (g.M + kTileRows - 1) / kTileRows;
  for (int64_t i = 0; i < n_groups; ++i) {
    static_cast<GemvArgs&>(groups[i]) = g;
    groups[i].M = std::min(kTileRows, g.M - i * kTileRows);
    groups[i].xp = xp.empty() ? nullptr : xp.data() + i * kTileRows * k16;
    groups[i].ldxp = k16;
    groups[i].x = g.x + i * kTileRows * g.ldx;
    groups[i].y = g.y + i * kTileRows * g.ldy;
    tiles[i] = g.w_dtype == DType::kBF16  ? tile<Bf16>(isa, rows, groups[i].M)
               : g.w_dtype == DType::kF16 ? tile<_Float16>(isa, rows, groups[i].M)
                                          : tile<float>(isa, rows, groups[i].M);
  }
  const int64_t n_blocks = (g.N + rows - 1) / rows;
  // At least ~16K weight elements per task, so small products do not pay for a hand-off.
  const int64_t grain = std::max<int64_t>(1, (int64_t{16} << 10) / (g.K * rows));
  pool.parallel_for(n_blocks, grain, [&](int64_t b0, int64_t b1) {
    for (int64_t b = b0; b < b1; ++b) {
      for (int64_t i = 0; i < n_groups; ++i) tiles[i](groups[i], b * rows);
    }
  });
}

}  // namespace loka::cpu

// SM4 (GB/T 32907-2016) in CTR mode with SSSE3 + AES-NI: the SM4 S-box as
// post_affine(AESENCLAST(pre_affine(x))) over the isomorphic AES field (Saarinen's "sm4ni"
// method, the one Linux's sm4-aesni-avx uses), 8 blocks per iteration in two groups of 4.
#include "seal/sm4_fast.h"

#include <immintrin.h>

#include <cstdlib>
#include <cstring>

namespace loka::seal {
namespace {

#define LOKA_SM4_TARGET __attribute__((target("aes,ssse3,sse4.1")))

struct Consts {
  __m128i m1l, m1h, m2l, m2h, shr, c0f, r08, r16, r24, flp;
};

LOKA_SM4_TARGET Consts consts() {
  Consts c;
  // Nibble tables of the affine maps into and out of the AES field, inverse ShiftRows,
  // word rotations and the byte flip of big-endian words.
  c.m1l = _mm_set_epi64x(0x3045F98CEF9A2653, 0x0A7FC3B6D5A01C69);
  c.m1h = _mm_set_epi64x(0x68F05FC7049C33AB, static_cast<int64_t>(0xC35BF46CAF379800));
  c.m2l = _mm_set_epi64x(0x0E019E916A65FAF5, static_cast<int64_t>(0x9A950A05FEF16E61));
  c.m2h = _mm_set_epi64x(0x2C88CC68E14501A5, static_cast<int64_t>(0x892D69CD44E0A400));
  c.shr = _mm_set_epi64x(0x0306090C0F020508, 0x0B0E0104070A0D00);
  c.c0f = _mm_set1_epi8(0x0F);
  c.r08 = _mm_set_epi64x(0x0E0D0C0F0A09080B, 0x0605040702010003);
  c.r16 = _mm_set_epi64x(0x0D0C0F0E09080B0A, 0x0504070601000302);
  c.r24 = _mm_set_epi64x(0x0C0F0E0D080B0A09, 0x0407060500030201);
  c.flp = _mm_set_epi64x(0x0C0D0E0F08090A0B, 0x0405060700010203);
  return c;
}

LOKA_SM4_TARGET inline __m128i sbox(__m128i x, const Consts& c) {
  __m128i y = _mm_shuffle_epi8(c.m1l, _mm_and_si128(x, c.c0f));
  x = _mm_shuffle_epi8(c.m1h, _mm_and_si128(_mm_srli_epi64(x, 4), c.c0f));
  x = _mm_xor_si128(x, y);
  x = _mm_shuffle_epi8(x, c.shr);
  x = _mm_aesenclast_si128(x, c.c0f);
  y = _mm_shuffle_epi8(c.m2l, _mm_andnot_si128(x, c.c0f));
  x = _mm_shuffle_epi8(c.m2h, _mm_and_si128(_mm_srli_epi64(x, 4), c.c0f));
  return _mm_xor_si128(x, y);
}

// T(x) = L(tau(x)), L(b) = b ^ rot2 ^ rot10 ^ rot18 ^ rot24, on 4 words.
LOKA_SM4_TARGET inline __m128i round_t(__m128i x, const Consts& c) {
  x = sbox(x, c);
  __m128i y = _mm_xor_si128(x, _mm_shuffle_epi8(x, c.r08));
  y = _mm_xor_si128(y, _mm_shuffle_epi8(x, c.r16));
  y = _mm_xor_si128(_mm_slli_epi32(y, 2), _mm_srli_epi32(y, 30));
  return _mm_xor_si128(_mm_xor_si128(x, y), _mm_shuffle_epi8(x, c.r24));
}

LOKA_SM4_TARGET void key_schedule(const uint8_t key[16], uint32_t rk[32], const Consts& c) {
  static const uint32_t kFk[4] = {0xa3b1bac6, 0x56aa3350, 0x677d9197, 0xb27022dc};
  uint32_t k[4];
  for (int i = 0; i < 4; ++i) {
    k[i] = (uint32_t{key[4 * i]} << 24 | uint32_t{key[4 * i + 1]} << 16 | uint32_t{key[4 * i + 2]} << 8 |
            key[4 * i + 3]) ^
           kFk[i];
  }
  for (int i = 0; i < 32; ++i) {
    uint32_t ck = 0;
    for (int j = 0; j < 4; ++j) ck = ck << 8 | static_cast<uint8_t>((4 * i + j) * 7);
    const uint32_t in = k[1] ^ k[2] ^ k[3] ^ ck;
    const uint32_t s = static_cast<uint32_t>(_mm_cvtsi128_si32(sbox(_mm_cvtsi32_si128(static_cast<int>(in)), c)));
    const uint32_t t = s ^ (s << 13 | s >> 19) ^ (s << 23 | s >> 9);
    rk[i] = k[0] ^ t;
    k[0] = k[1];
    k[1] = k[2];
    k[2] = k[3];
    k[3] = rk[i];
  }
}

// Adds j to a 128-bit big-endian counter held as two native 64-bit halves.
inline void counter_at(uint64_t hi, uint64_t lo, uint64_t j, uint32_t w[4]) {
  const uint64_t l = lo + j;
  const uint64_t h = hi + (l < lo ? 1 : 0);
  w[0] = static_cast<uint32_t>(h >> 32);
  w[1] = static_cast<uint32_t>(h);
  w[2] = static_cast<uint32_t>(l >> 32);
  w[3] = static_cast<uint32_t>(l);
}

// Keystream of 8 counter blocks (counters first .. first+7) into ks (128 bytes).
LOKA_SM4_TARGET void keystream8(const uint32_t rk[32], uint64_t hi, uint64_t lo, uint64_t first,
                                uint8_t* ks, const Consts& c) {
  __m128i a[4], b[4];
  uint32_t w[8][4];
  for (int j = 0; j < 8; ++j) counter_at(hi, lo, first + j, w[j]);
  for (int i = 0; i < 4; ++i) {
    a[i] = _mm_set_epi32(static_cast<int>(w[3][i]), static_cast<int>(w[2][i]), static_cast<int>(w[1][i]),
                         static_cast<int>(w[0][i]));
    b[i] = _mm_set_epi32(static_cast<int>(w[7][i]), static_cast<int>(w[6][i]), static_cast<int>(w[5][i]),
                         static_cast<int>(w[4][i]));
  }
  for (int r = 0; r < 32; ++r) {
    const __m128i k = _mm_set1_epi32(static_cast<int>(rk[r]));
    const __m128i xa = round_t(_mm_xor_si128(_mm_xor_si128(a[1], a[2]), _mm_xor_si128(a[3], k)), c);
    const __m128i xb = round_t(_mm_xor_si128(_mm_xor_si128(b[1], b[2]), _mm_xor_si128(b[3], k)), c);
    const __m128i na = _mm_xor_si128(a[0], xa), nb = _mm_xor_si128(b[0], xb);
    a[0] = a[1], a[1] = a[2], a[2] = a[3], a[3] = na;
    b[0] = b[1], b[1] = b[2], b[2] = b[3], b[3] = nb;
  }
  // Output words X35, X34, X33, X32 of each block, big-endian: transpose the 4x4 words.
  for (int g = 0; g < 2; ++g) {
    const __m128i* v = g == 0 ? a : b;
    const __m128i t0 = _mm_unpacklo_epi32(v[3], v[2]), t1 = _mm_unpackhi_epi32(v[3], v[2]);
    const __m128i t2 = _mm_unpacklo_epi32(v[1], v[0]), t3 = _mm_unpackhi_epi32(v[1], v[0]);
    const __m128i blk[4] = {_mm_unpacklo_epi64(t0, t2), _mm_unpackhi_epi64(t0, t2), _mm_unpacklo_epi64(t1, t3),
                            _mm_unpackhi_epi64(t1, t3)};
    for (int j = 0; j < 4; ++j) {
      _mm_storeu_si128(reinterpret_cast<__m128i*>(ks + 16 * (4 * g + j)), _mm_shuffle_epi8(blk[j], c.flp));
    }
  }
}

LOKA_SM4_TARGET void ctr(const uint8_t key[16], const uint8_t iv[16], const uint8_t* in, uint8_t* out, size_t n) {
  const Consts c = consts();
  uint32_t rk[32];
  key_schedule(key, rk, c);
  uint64_t hi = 0, lo = 0;
  for (int i = 0; i < 8; ++i) {
    hi = hi << 8 | iv[i];
    lo = lo << 8 | iv[8 + i];
  }
  alignas(16) uint8_t ks[128];
  uint64_t block = 0;
  size_t done = 0;
  for (; done + 128 <= n; done += 128, block += 8) {
    keystream8(rk, hi, lo, block, ks, c);
    for (int j = 0; j < 8; ++j) {
      const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(in + done + 16 * j));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(out + done + 16 * j),
                       _mm_xor_si128(x, _mm_load_si128(reinterpret_cast<const __m128i*>(ks + 16 * j))));
    }
  }
  if (done < n) {
    keystream8(rk, hi, lo, block, ks, c);
    for (size_t i = 0; done + i < n; ++i) out[done + i] = in[done + i] ^ ks[i];
  }
  std::memset(rk, 0, sizeof rk);
  __asm__ __volatile__("" : : "r"(rk), "r"(ks) : "memory");  // keep the wipes
  std::memset(ks, 0, sizeof ks);
}

}  // namespace

bool sm4_fast_available() {
  // LOKA_SEAL_SM4_OPENSSL=1 forces OpenSSL's SM4 (for comparisons).
  static const bool ok = __builtin_cpu_supports("aes") && __builtin_cpu_supports("ssse3") &&
                         __builtin_cpu_supports("sse4.1") && std::getenv("LOKA_SEAL_SM4_OPENSSL") == nullptr;
  return ok;
}

void sm4_ctr_xor(const uint8_t key[16], const uint8_t iv[16], const uint8_t* in, uint8_t* out, size_t n) {
  ctr(key, iv, in, out, n);
}

}  // namespace loka::seal

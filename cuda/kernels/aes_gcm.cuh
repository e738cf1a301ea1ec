// Device primitives of AES-256-GCM: the AES S-box and round tables built on the device, the
// AES-256 key schedule and block encryption (one 32-bit table, rotated, in shared memory),
// and multiplication in GCM's GF(2^128), bit by bit or with a 4-bit table of a fixed factor.
// Only gcm_open.cu uses them; OpenSSL is their test oracle (tests/conformance/test_open_chunks.cc).
#pragma once

#include <cstdint>

#include "common.cuh"

namespace loka::cuda::gcm {

/// A 128-bit block in GCM's bit order: hi holds bytes 0..7, lo bytes 8..15, big-endian.
struct Block {
  uint64_t hi, lo;  // trivial, so that it may live in shared memory: zero it with {}
};

__device__ __forceinline__ Block operator^(Block a, Block b) { return {a.hi ^ b.hi, a.lo ^ b.lo}; }

/// The block of 16 bytes read as four little-endian words (a uint4 load).
__device__ __forceinline__ Block block_from_words(uint4 w) {
  return {(uint64_t{bswap32(w.x)} << 32) | bswap32(w.y), (uint64_t{bswap32(w.z)} << 32) | bswap32(w.w)};
}

/// Byte i (0..15) of b.
__device__ __forceinline__ uint8_t block_byte(Block b, int i) {
  return static_cast<uint8_t>((i < 8 ? b.hi >> (56 - 8 * i) : b.lo >> (56 - 8 * (i - 8))) & 0xff);
}

// ---- GF(2^8) and the AES S-box -------------------------------------------------------------

__device__ __forceinline__ uint32_t gf8_mul(uint32_t a, uint32_t b) {
  uint32_t p = 0;
  for (int i = 0; i < 8; ++i) {
    if (b & 1) p ^= a;
    b >>= 1;
    a = (a << 1) ^ ((a & 0x80) ? 0x11b : 0);
  }
  return p & 0xff;
}

/// S(x) = affine(x^254), x^254 being x's inverse (0 for 0).
__device__ inline uint32_t aes_sbox(uint32_t x) {
  uint32_t inv = 1, base = x, e = 254;
  while (e) {
    if (e & 1) inv = gf8_mul(inv, base);
    base = gf8_mul(base, base);
    e >>= 1;
  }
  uint32_t s = inv;
  for (int r = 1; r <= 4; ++r) s ^= ((inv << r) | (inv >> (8 - r))) & 0xff;
  return s ^ 0x63;
}

/// The round table entry: bytes (2s, s, s, 3s), most significant first.
__device__ __forceinline__ uint32_t aes_te0(uint32_t s) {
  const uint32_t s2 = gf8_mul(s, 2), s3 = s2 ^ s;
  return (s2 << 24) | (s << 16) | (s << 8) | s3;
}

__device__ __forceinline__ uint32_t sbox_of(const uint32_t* te0, uint32_t x) { return (te0[x] >> 8) & 0xff; }

/// AES-256 key expansion: 60 round-key words from 32 key bytes (one thread).
__device__ inline void aes256_expand(const uint8_t* key, const uint32_t* te0, uint32_t* rk) {
  for (int i = 0; i < 8; ++i) {
    rk[i] = (uint32_t{key[4 * i]} << 24) | (uint32_t{key[4 * i + 1]} << 16) |
            (uint32_t{key[4 * i + 2]} << 8) | key[4 * i + 3];
  }
  uint32_t rcon = 1;
  for (int i = 8; i < 60; ++i) {
    uint32_t t = rk[i - 1];
    if (i % 8 == 0) {
      t = (t << 8) | (t >> 24);
      t = (sbox_of(te0, t >> 24) << 24) | (sbox_of(te0, (t >> 16) & 0xff) << 16) |
          (sbox_of(te0, (t >> 8) & 0xff) << 8) | sbox_of(te0, t & 0xff);
      t ^= rcon << 24;
      rcon = gf8_mul(rcon, 2);
    } else if (i % 8 == 4) {
      t = (sbox_of(te0, t >> 24) << 24) | (sbox_of(te0, (t >> 16) & 0xff) << 16) |
          (sbox_of(te0, (t >> 8) & 0xff) << 8) | sbox_of(te0, t & 0xff);
    }
    rk[i] = rk[i - 8] ^ t;
  }
}

__device__ __forceinline__ uint32_t ror(uint32_t x, int n) { return __funnelshift_r(x, x, n); }

/// One AES-256 block: the input words (big-endian) in s0..s3, 14 rounds, the output back.
__device__ __forceinline__ void aes256_encrypt(const uint32_t* te0, const uint32_t* rk, uint32_t& s0,
                                               uint32_t& s1, uint32_t& s2, uint32_t& s3) {
  s0 ^= rk[0];
  s1 ^= rk[1];
  s2 ^= rk[2];
  s3 ^= rk[3];
#pragma unroll
  for (int r = 1; r < 14; ++r) {
    const uint32_t t0 = te0[s0 >> 24] ^ ror(te0[(s1 >> 16) & 0xff], 8) ^ ror(te0[(s2 >> 8) & 0xff], 16) ^
                        ror(te0[s3 & 0xff], 24) ^ rk[4 * r];
    const uint32_t t1 = te0[s1 >> 24] ^ ror(te0[(s2 >> 16) & 0xff], 8) ^ ror(te0[(s3 >> 8) & 0xff], 16) ^
                        ror(te0[s0 & 0xff], 24) ^ rk[4 * r + 1];
    const uint32_t t2 = te0[s2 >> 24] ^ ror(te0[(s3 >> 16) & 0xff], 8) ^ ror(te0[(s0 >> 8) & 0xff], 16) ^
                        ror(te0[s1 & 0xff], 24) ^ rk[4 * r + 2];
    const uint32_t t3 = te0[s3 >> 24] ^ ror(te0[(s0 >> 16) & 0xff], 8) ^ ror(te0[(s1 >> 8) & 0xff], 16) ^
                        ror(te0[s2 & 0xff], 24) ^ rk[4 * r + 3];
    s0 = t0;
    s1 = t1;
    s2 = t2;
    s3 = t3;
  }
  const auto last = [&](uint32_t a, uint32_t b, uint32_t c, uint32_t d, uint32_t k) {
    return ((sbox_of(te0, a >> 24) << 24) | (sbox_of(te0, (b >> 16) & 0xff) << 16) |
            (sbox_of(te0, (c >> 8) & 0xff) << 8) | sbox_of(te0, d & 0xff)) ^ k;
  };
  const uint32_t t0 = last(s0, s1, s2, s3, rk[56]), t1 = last(s1, s2, s3, s0, rk[57]);
  const uint32_t t2 = last(s2, s3, s0, s1, rk[58]), t3 = last(s3, s0, s1, s2, rk[59]);
  s0 = t0;
  s1 = t1;
  s2 = t2;
  s3 = t3;
}

// ---- GF(2^128) -----------------------------------------------------------------------------

/// x * y in GCM's field (NIST SP 800-38D, algorithm 1): 128 steps; for set-up work only.
__device__ inline Block gf_mul(Block x, Block y) {
  Block z{}, v = y;
  for (int i = 0; i < 128; ++i) {
    const uint64_t bit = (i < 64 ? x.hi >> (63 - i) : x.lo >> (127 - i)) & 1;
    z.hi ^= v.hi & (0 - bit);
    z.lo ^= v.lo & (0 - bit);
    const uint64_t carry = v.lo & 1;
    v.lo = (v.lo >> 1) | (v.hi << 63);
    v.hi = (v.hi >> 1) ^ (0xe100000000000000ull & (0 - carry));
  }
  return z;
}

/// h^e by squaring and multiplying (e >= 1).
__device__ inline Block gf_pow(Block h, uint64_t e) {
  Block r = h;
  int top = 63 - __clzll(static_cast<long long>(e));
  for (int b = top - 1; b >= 0; --b) {
    r = gf_mul(r, r);
    if ((e >> b) & 1) r = gf_mul(r, h);
  }
  return r;
}

/// Products of a fixed factor H with every 4-bit value (Shoup's method): hh/hl[n] = n * H for
/// n read as four bits of GCM's order.
struct ShoupTable {
  uint64_t hh[16], hl[16];
};

/// The table of h (one thread).
__device__ inline void shoup_build(Block h, ShoupTable& t) {
  uint64_t vh = h.hi, vl = h.lo;
  t.hh[0] = t.hl[0] = 0;
  t.hh[8] = vh;
  t.hl[8] = vl;
  for (int i = 4; i > 0; i >>= 1) {
    const uint64_t carry = vl & 1;
    vl = (vh << 63) | (vl >> 1);
    vh = (vh >> 1) ^ (0xe100000000000000ull & (0 - carry));
    t.hh[i] = vh;
    t.hl[i] = vl;
  }
  for (int i = 2; i <= 8; i *= 2) {
    for (int j = 1; j < i; ++j) {
      t.hh[i + j] = t.hh[i] ^ t.hh[j];
      t.hl[i + j] = t.hl[i] ^ t.hl[j];
    }
  }
}

/// The reduction of the four bits shifted out of the low end, at the top of hi.
__device__ __forceinline__ uint64_t shoup_reduce(uint64_t rem) {
  constexpr uint64_t k1 = 0x1c20, k2 = 0x3840, k4 = 0x7080, k8 = 0xe100;
  return ((k1 & (0 - (rem & 1))) ^ (k2 & (0 - ((rem >> 1) & 1))) ^ (k4 & (0 - ((rem >> 2) & 1))) ^
          (k8 & (0 - ((rem >> 3) & 1))))
         << 48;
}

/// x * H with H's table: 32 steps of four bits.
__device__ __forceinline__ Block shoup_mul(Block x, const ShoupTable& t) {
  uint64_t zh = 0, zl = 0;
  bool first = true;
#pragma unroll
  for (int half = 0; half < 2; ++half) {
    uint64_t bytes = half == 0 ? x.lo : x.hi;  // byte 15 down to byte 8, then 7 down to 0
#pragma unroll
    for (int k = 0; k < 8; ++k, bytes >>= 8) {
      const uint32_t lo = bytes & 0xf, hi = (bytes >> 4) & 0xf;
      if (first) {
        zh = t.hh[lo];
        zl = t.hl[lo];
        first = false;
      } else {
        const uint64_t rem = zl & 0xf;
        zl = (zh << 60) | (zl >> 4);
        zh = (zh >> 4) ^ shoup_reduce(rem) ^ t.hh[lo];
        zl ^= t.hl[lo];
      }
      const uint64_t rem = zl & 0xf;
      zl = (zh << 60) | (zl >> 4);
      zh = (zh >> 4) ^ shoup_reduce(rem) ^ t.hh[hi];
      zl ^= t.hl[hi];
    }
  }
  return {zh, zl};
}

}  // namespace loka::cuda::gcm

// Device primitives of the SM4-CTR + HMAC-SM3 suite: the SM4 block cipher (GB/T 32907-2016;
// one 32-bit round table, rotated, in shared memory) and the SM3 compression function
// (GB/T 32905-2016). Only sm4_open.cu uses them; OpenSSL is their test oracle
// (tests/conformance/test_open_chunks.cc).
#pragma once

#include <cstdint>

namespace loka::cuda::sm {

__device__ __forceinline__ uint32_t rotl(uint32_t x, int n) { return __funnelshift_l(x, x, n); }

// ---- SM4 ---------------------------------------------------------------------------------

__constant__ uint8_t kSm4Sbox[256] = {
    0xd6, 0x90, 0xe9, 0xfe, 0xcc, 0xe1, 0x3d, 0xb7, 0x16, 0xb6, 0x14, 0xc2, 0x28, 0xfb, 0x2c, 0x05,
    0x2b, 0x67, 0x9a, 0x76, 0x2a, 0xbe, 0x04, 0xc3, 0xaa, 0x44, 0x13, 0x26, 0x49, 0x86, 0x06, 0x99,
    0x9c, 0x42, 0x50, 0xf4, 0x91, 0xef, 0x98, 0x7a, 0x33, 0x54, 0x0b, 0x43, 0xed, 0xcf, 0xac, 0x62,
    0xe4, 0xb3, 0x1c, 0xa9, 0xc9, 0x08, 0xe8, 0x95, 0x80, 0xdf, 0x94, 0xfa, 0x75, 0x8f, 0x3f, 0xa6,
    0x47, 0x07, 0xa7, 0xfc, 0xf3, 0x73, 0x17, 0xba, 0x83, 0x59, 0x3c, 0x19, 0xe6, 0x85, 0x4f, 0xa8,
    0x68, 0x6b, 0x81, 0xb2, 0x71, 0x64, 0xda, 0x8b, 0xf8, 0xeb, 0x0f, 0x4b, 0x70, 0x56, 0x9d, 0x35,
    0x1e, 0x24, 0x0e, 0x5e, 0x63, 0x58, 0xd1, 0xa2, 0x25, 0x22, 0x7c, 0x3b, 0x01, 0x21, 0x78, 0x87,
    0xd4, 0x00, 0x46, 0x57, 0x9f, 0xd3, 0x27, 0x52, 0x4c, 0x36, 0x02, 0xe7, 0xa0, 0xc4, 0xc8, 0x9e,
    0xea, 0xbf, 0x8a, 0xd2, 0x40, 0xc7, 0x38, 0xb5, 0xa3, 0xf7, 0xf2, 0xce, 0xf9, 0x61, 0x15, 0xa1,
    0xe0, 0xae, 0x5d, 0xa4, 0x9b, 0x34, 0x1a, 0x55, 0xad, 0x93, 0x32, 0x30, 0xf5, 0x8c, 0xb1, 0xe3,
    0x1d, 0xf6, 0xe2, 0x2e, 0x82, 0x66, 0xca, 0x60, 0xc0, 0x29, 0x23, 0xab, 0x0d, 0x53, 0x4e, 0x6f,
    0xd5, 0xdb, 0x37, 0x45, 0xde, 0xfd, 0x8e, 0x2f, 0x03, 0xff, 0x6a, 0x72, 0x6d, 0x6c, 0x5b, 0x51,
    0x8d, 0x1b, 0xaf, 0x92, 0xbb, 0xdd, 0xbc, 0x7f, 0x11, 0xd9, 0x5c, 0x41, 0x1f, 0x10, 0x5a, 0xd8,
    0x0a, 0xc1, 0x31, 0x88, 0xa5, 0xcd, 0x7b, 0xbd, 0x2d, 0x74, 0xd0, 0x12, 0xb8, 0xe5, 0xb4, 0xb0,
    0x89, 0x69, 0x97, 0x4a, 0x0c, 0x96, 0x77, 0x7e, 0x65, 0xb9, 0xf1, 0x09, 0xc5, 0x6e, 0xc6, 0x84,
    0x18, 0xf0, 0x7d, 0xec, 0x3a, 0xdc, 0x4d, 0x20, 0x79, 0xee, 0x5f, 0x3e, 0xd7, 0xcb, 0x39, 0x48,
};

/// tau: the S-box on each byte of x.
__device__ __forceinline__ uint32_t sm4_tau(uint32_t x) {
  return (uint32_t{kSm4Sbox[x >> 24]} << 24) | (uint32_t{kSm4Sbox[(x >> 16) & 0xff]} << 16) |
         (uint32_t{kSm4Sbox[(x >> 8) & 0xff]} << 8) | kSm4Sbox[x & 0xff];
}

/// The round table entry of byte a: L(S(a) << 24), L(b) = b ^ b<<<2 ^ b<<<10 ^ b<<<18 ^ b<<<24.
__device__ __forceinline__ uint32_t sm4_t0(uint32_t a) {
  const uint32_t b = uint32_t{kSm4Sbox[a]} << 24;
  return b ^ rotl(b, 2) ^ rotl(b, 10) ^ rotl(b, 18) ^ rotl(b, 24);
}

/// The 32 round keys of a 16-byte key (one thread; the S-box from constant memory).
__device__ inline void sm4_expand(const uint8_t key[16], uint32_t rk[32]) {
  const uint32_t fk[4] = {0xa3b1bac6, 0x56aa3350, 0x677d9197, 0xb27022dc};
  uint32_t k[4];
  for (int i = 0; i < 4; ++i) {
    k[i] = ((uint32_t{key[4 * i]} << 24) | (uint32_t{key[4 * i + 1]} << 16) | (uint32_t{key[4 * i + 2]} << 8) |
            key[4 * i + 3]) ^
           fk[i];
  }
  for (int i = 0; i < 32; ++i) {
    uint32_t ck = 0;  // CK_i: bytes (4i + j) * 7 mod 256
    for (int j = 0; j < 4; ++j) ck = (ck << 8) | (((4 * i + j) * 7) & 0xff);
    const uint32_t s = sm4_tau(k[1] ^ k[2] ^ k[3] ^ ck);
    rk[i] = k[0] ^ s ^ rotl(s, 13) ^ rotl(s, 23);
    k[0] = k[1];
    k[1] = k[2];
    k[2] = k[3];
    k[3] = rk[i];
  }
}

/// Encrypts the block (x0, x1, x2, x3) (big-endian words) in place; t0 and rk in shared memory.
__device__ __forceinline__ void sm4_encrypt(const uint32_t* t0, const uint32_t* rk, uint32_t& x0, uint32_t& x1,
                                            uint32_t& x2, uint32_t& x3) {
#pragma unroll
  for (int i = 0; i < 32; ++i) {
    const uint32_t x = x1 ^ x2 ^ x3 ^ rk[i];
    const uint32_t y = x0 ^ t0[x >> 24] ^ rotl(t0[(x >> 16) & 0xff], 24) ^ rotl(t0[(x >> 8) & 0xff], 16) ^
                       rotl(t0[x & 0xff], 8);
    x0 = x1;
    x1 = x2;
    x2 = x3;
    x3 = y;
  }
  // The output is (X35, X34, X33, X32).
  const uint32_t a = x0, b = x1;
  x0 = x3;
  x1 = x2;
  x2 = b;
  x3 = a;
}

// ---- SM3 ---------------------------------------------------------------------------------

struct Sm3State {
  uint32_t v[8];
};

__device__ __forceinline__ Sm3State sm3_init() {
  return {{0x7380166f, 0x4914b2b9, 0x172442d7, 0xda8a0600, 0xa96f30bc, 0x163138aa, 0xe38dee4d, 0xb0fb0e4e}};
}

__device__ __forceinline__ uint32_t sm3_p0(uint32_t x) { return x ^ rotl(x, 9) ^ rotl(x, 17); }
__device__ __forceinline__ uint32_t sm3_p1(uint32_t x) { return x ^ rotl(x, 15) ^ rotl(x, 23); }

/// One compression of the 64-byte block w (16 big-endian words); w is overwritten.
__device__ __forceinline__ void sm3_compress(Sm3State& s, uint32_t w[16]) {
  uint32_t a = s.v[0], b = s.v[1], c = s.v[2], d = s.v[3], e = s.v[4], f = s.v[5], g = s.v[6], h = s.v[7];
#pragma unroll
  for (int j = 0; j < 64; ++j) {
    // w[j % 16] is W_j; W_{j+4} is made four rounds ahead (the window of 16 holds W_j..W_{j+15}).
    if (j >= 12) {
      const int n = j + 4;  // W_n = P1(W_{n-16} ^ W_{n-9} ^ W_{n-3} <<< 15) ^ W_{n-13} <<< 7 ^ W_{n-6}
      w[n % 16] = sm3_p1(w[n % 16] ^ w[(n - 9) % 16] ^ rotl(w[(n - 3) % 16], 15)) ^ rotl(w[(n - 13) % 16], 7) ^
                  w[(n - 6) % 16];
    }
    const uint32_t wj = w[j % 16], wj4 = w[(j + 4) % 16];
    const uint32_t tj = j < 16 ? 0x79cc4519u : 0x7a879d8au;
    const uint32_t a12 = rotl(a, 12);
    const uint32_t ss1 = rotl(a12 + e + rotl(tj, j % 32), 7);
    const uint32_t ss2 = ss1 ^ a12;
    const uint32_t ff = j < 16 ? (a ^ b ^ c) : ((a & b) | (a & c) | (b & c));
    const uint32_t gg = j < 16 ? (e ^ f ^ g) : ((e & f) | (~e & g));
    const uint32_t tt1 = ff + d + ss2 + (wj ^ wj4);
    const uint32_t tt2 = gg + h + ss1 + wj;
    d = c;
    c = rotl(b, 9);
    b = a;
    a = tt1;
    h = g;
    g = rotl(f, 19);
    f = e;
    e = sm3_p0(tt2);
  }
  s.v[0] ^= a;
  s.v[1] ^= b;
  s.v[2] ^= c;
  s.v[3] ^= d;
  s.v[4] ^= e;
  s.v[5] ^= f;
  s.v[6] ^= g;
  s.v[7] ^= h;
}

}  // namespace loka::cuda::sm

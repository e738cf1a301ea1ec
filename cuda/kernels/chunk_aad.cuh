// What the chunk openers (gcm_open.cu, sm4_open.cu) share: the additional data bound into
// every sealed chunk's tag (the container header) as a kernel parameter, where a run of
// chunks lies, the CTR keystream applied to a 16-byte block, and wiping host copies of keys.
#pragma once

#include <cstdint>
#include <cstring>

#include "common.cuh"
#include "ops/op.h"

namespace loka::cuda {

struct ChunkAad {
  uint8_t b[ChunkOpenParams::kMaxAad];
  uint32_t n;

  static ChunkAad of(const ChunkOpenParams& p) {
    ChunkAad a{};
    std::memcpy(a.b, p.aad.data(), p.aad.size());
    a.n = static_cast<uint32_t>(p.aad.size());
    return a;
  }

  /// Byte i of aad || LE64(index), the prefix every chunk's tag covers first.
  __device__ uint32_t prefix_byte(uint32_t i, uint64_t index) const {
    return i < n ? b[i] : static_cast<uint32_t>((index >> (8 * (i - n))) & 0xff);
  }
};

/// Where a run of chunks lies: chunk j's ciphertext at cipher + j * (chunk_bytes + tag_bytes),
/// its tag after it, its plaintext at plain + j * chunk_bytes.
struct ChunkRun {
  const uint8_t* cipher;
  uint8_t* plain;
  int64_t chunk_bytes, last_bytes, tag_bytes;
  uint64_t first_chunk;
  int chunks;

  /// The run of an open_chunks node (src: ciphertext; dst: plaintext, status, workspace).
  static ChunkRun of(const OpNode& n, int64_t tag_bytes) {
    const auto& p = std::get<ChunkOpenParams>(n.params);
    const int chunks = static_cast<int>(n.dst[1].dim(0));
    return {.cipher = static_cast<const uint8_t*>(n.src[0].data()),
            .plain = static_cast<uint8_t*>(n.dst[0].data()),
            .chunk_bytes = p.chunk_bytes,
            .last_bytes = n.dst[0].dim(0) - int64_t{chunks - 1} * p.chunk_bytes,
            .tag_bytes = tag_bytes,
            .first_chunk = p.first_chunk,
            .chunks = chunks};
  }

  __device__ int64_t length(int j) const { return j == chunks - 1 ? last_bytes : chunk_bytes; }
  __device__ const uint8_t* cipher_of(int j) const { return cipher + j * (chunk_bytes + tag_bytes); }
  __device__ uint8_t* plain_of(int j) const { return plain + j * chunk_bytes; }
};

/// 16 bytes read as four little-endian words, XORed with the keystream block (k0..k3, its
/// big-endian words).
__device__ __forceinline__ uint4 xor_keystream(uint4 w, uint32_t k0, uint32_t k1, uint32_t k2, uint32_t k3) {
  return make_uint4(w.x ^ bswap32(k0), w.y ^ bswap32(k1), w.z ^ bswap32(k2), w.w ^ bswap32(k3));
}

/// Zeroes a host copy of key material in a way the compiler keeps.
template <typename T>
void wipe_secret(T& v) {
  volatile uint8_t* b = reinterpret_cast<volatile uint8_t*>(&v);
  for (size_t i = 0; i < sizeof v; ++i) b[i] = 0;
}

}  // namespace loka::cuda

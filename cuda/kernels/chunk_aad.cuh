// The additional data bound into every sealed chunk's tag (the container header), as a
// kernel parameter; shared by the chunk openers (gcm_open.cu, sm4_open.cu).
#pragma once

#include <cstdint>
#include <cstring>

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

  __device__ int64_t length(int j) const { return j == chunks - 1 ? last_bytes : chunk_bytes; }
  __device__ const uint8_t* cipher_of(int j) const { return cipher + j * (chunk_bytes + tag_bytes); }
  __device__ uint8_t* plain_of(int j) const { return plain + j * chunk_bytes; }
};

}  // namespace loka::cuda

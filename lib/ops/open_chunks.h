// open_chunks: authentication and decryption of sealed-file chunks on a device, in either
// cipher suite (AES-256-GCM, or SM4-CTR + HMAC-SM3), so that a sealed model's weights go to
// the GPU as ciphertext and are decrypted there (their plaintext never in host memory). The
// CPU does not offer it (it opens chunks with OpenSSL, lib/seal); a device backend that does
// reports it through supports_op.
#pragma once

#include "backend/backend.h"

namespace loka::ops {

/// The workspace's fixed part for AES-256-GCM (key schedule, tables, powers of H); the
/// per-segment partial sums follow it.
inline constexpr int64_t kGcmWorkspaceFixed = 32768;

struct OpenChunks {
  /// u8 [plaintext bytes + tag bytes * chunks]: chunk j's ciphertext, then its tag, chunk
  /// after chunk; every chunk but the last has params.chunk_bytes of ciphertext.
  Tensor ciphertext{};
  Tensor plaintext{};  ///< u8 [plaintext bytes]: written whether or not the tags match
  Tensor status{};     ///< i32 [chunks]: 1 where chunk j's tag matched, else 0
  /// u8 [open_chunks_workspace_bytes(...)], scratch; undefined where that is 0 (SM4).
  Tensor workspace{};
  ChunkOpenParams params{};
};

/// Bytes of a chunk's tag, stored after its ciphertext: 16 (GCM) or 32 (HMAC-SM3).
int64_t chunk_tag_bytes(ChunkCipher c);
/// Chunks of a plaintext of `plaintext_bytes` (>= 1) cut into `chunk_bytes`.
int64_t open_chunks_count(int64_t plaintext_bytes, int64_t chunk_bytes);
/// Scratch bytes the op needs for `chunks` chunks of `chunk_bytes` (0: no workspace).
int64_t open_chunks_workspace_bytes(ChunkCipher c, int64_t chunks, int64_t chunk_bytes);

/// The node for g, validated: throws Error(kInvalidArgument) naming the argument at fault.
OpNode open_chunks_node(const OpenChunks& g);
/// Whether g is valid and `be` runs it.
bool open_chunks_supported(const Backend& be, const OpenChunks& g);
/// Runs g (asynchronously on a device: read status after synchronising), then wipes the
/// copies of the key it made; the backend wipes what it derived from the key. Throws
/// kUnsupported where the backend has no such kernel.
void open_chunks(Backend& be, const OpenChunks& g);

}  // namespace loka::ops

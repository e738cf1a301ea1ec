// gcm_open: AES-256-GCM authentication and decryption of sealed-file chunks on a device, so
// that a sealed model's weights go to the GPU as ciphertext and are decrypted there (their
// plaintext never in host memory). The CPU does not offer it (it opens chunks with OpenSSL,
// lib/seal); a device backend that does reports it through supports_op.
#pragma once

#include "backend/backend.h"

namespace loka::ops {

/// Bytes of a chunk's GCM tag, stored after its ciphertext.
inline constexpr int64_t kGcmTagBytes = 16;
/// The workspace's fixed part (key schedule, tables, powers of H); the per-segment partial
/// sums follow it.
inline constexpr int64_t kGcmWorkspaceFixed = 32768;

struct GcmOpen {
  /// u8 [plaintext bytes + 16 * chunks]: chunk j's ciphertext, then its tag, chunk after chunk;
  /// every chunk but the last has params.chunk_bytes of ciphertext.
  Tensor ciphertext{};
  Tensor plaintext{};  ///< u8 [plaintext bytes]: written whether or not the tags match
  Tensor status{};     ///< i32 [chunks]: 1 where chunk j's tag matched, else 0
  Tensor workspace{};  ///< u8 [gcm_open_workspace_bytes(chunks, chunk_bytes)], scratch
  GcmOpenParams params{};
};

/// Chunks of a plaintext of `plaintext_bytes` (>= 1) cut into `chunk_bytes`.
int64_t gcm_open_chunk_count(int64_t plaintext_bytes, int64_t chunk_bytes);
/// Scratch bytes the op needs for `chunks` chunks of `chunk_bytes`.
int64_t gcm_open_workspace_bytes(int64_t chunks, int64_t chunk_bytes);

/// The node for g, validated: throws Error(kInvalidArgument) naming the argument at fault.
OpNode gcm_open_node(const GcmOpen& g);
/// Whether g is valid and `be` runs it.
bool gcm_open_supported(const Backend& be, const GcmOpen& g);
/// Runs g (asynchronously on a device: read status after synchronising), then wipes the
/// copies of the key it made; the backend wipes its key schedule in the workspace. Throws
/// kUnsupported where the backend has no such kernel.
void gcm_open(Backend& be, const GcmOpen& g);

}  // namespace loka::ops

// Front end of open_chunks: src = ciphertext; dst = plaintext, status, workspace.
#include "ops/open_chunks.h"

#include <string>

#include "core/error.h"
#include "ops/op_checks.h"
#include "seal/seal_crypto.h"

namespace loka::ops {
namespace {

constexpr const char* kOp = "open_chunks";

void expect_bytes(const Tensor& t, int64_t n, DType dtype, const char* arg) {
  expect_defined(t, kOp, arg);
  expect_dtype(t, {dtype}, kOp, arg);
  LOKA_CHECK(t.ndim() == 1 && t.dim(0) == n && t.is_contiguous(), ErrorCode::kInvalidArgument,
             std::string(kOp) + ": argument '" + arg + "' " + t.describe() + " should be " +
                 std::string(dtype_name(dtype)) + "[" + std::to_string(n) + "], contiguous");
}

void wipe_key(OpNode& node) {
  auto& key = std::get<ChunkOpenParams>(node.params).key;
  seal::secure_wipe(key.data(), key.size());
}

}  // namespace

int64_t chunk_tag_bytes(ChunkCipher c) { return c == ChunkCipher::kAes256Gcm ? 16 : 32; }

int64_t open_chunks_count(int64_t plaintext_bytes, int64_t chunk_bytes) {
  return chunk_bytes > 0 ? (plaintext_bytes + chunk_bytes - 1) / chunk_bytes : 0;
}

int64_t open_chunks_workspace_bytes(ChunkCipher c, int64_t chunks, int64_t chunk_bytes) {
  if (c != ChunkCipher::kAes256Gcm) return 0;
  return kGcmWorkspaceFixed + chunks * (chunk_bytes / ChunkOpenParams::kSegment) * 16;
}

OpNode open_chunks_node(const OpenChunks& g) {
  const ChunkOpenParams& p = g.params;
  LOKA_CHECK(p.cipher == ChunkCipher::kAes256Gcm || p.cipher == ChunkCipher::kSm4CtrHmacSm3,
             ErrorCode::kInvalidArgument,
             std::string(kOp) + ": unknown cipher " + std::to_string(static_cast<int>(p.cipher)));
  LOKA_CHECK(p.chunk_bytes >= ChunkOpenParams::kSegment && p.chunk_bytes % ChunkOpenParams::kSegment == 0 &&
                 p.chunk_bytes <= (int64_t{1} << 26),
             ErrorCode::kInvalidArgument,
             std::string(kOp) + ": chunk_bytes " + std::to_string(p.chunk_bytes) +
                 " is not a multiple of 65536 in [65536, 64 MiB]");
  LOKA_CHECK(p.aad.size() <= ChunkOpenParams::kMaxAad, ErrorCode::kInvalidArgument,
             std::string(kOp) + ": " + std::to_string(p.aad.size()) + " bytes of aad (at most 256)");
  expect_defined(g.plaintext, kOp, "plaintext");
  LOKA_CHECK(g.plaintext.ndim() == 1 && g.plaintext.dim(0) >= 1, ErrorCode::kInvalidArgument,
             std::string(kOp) + ": plaintext " + g.plaintext.describe() + " is not one non-empty row");
  const int64_t bytes = g.plaintext.dim(0);
  const int64_t chunks = open_chunks_count(bytes, p.chunk_bytes);
  LOKA_CHECK(chunks <= 65535, ErrorCode::kInvalidArgument,
             std::string(kOp) + ": " + std::to_string(chunks) + " chunks in one call (at most 65535)");
  expect_bytes(g.plaintext, bytes, DType::kU8, "plaintext");
  expect_bytes(g.ciphertext, bytes + chunk_tag_bytes(p.cipher) * chunks, DType::kU8, "ciphertext");
  expect_bytes(g.status, chunks, DType::kI32, "status");
  const int64_t workspace = open_chunks_workspace_bytes(p.cipher, chunks, p.chunk_bytes);
  if (workspace > 0) {
    expect_bytes(g.workspace, workspace, DType::kU8, "workspace");
  } else {
    LOKA_CHECK(!g.workspace.defined(), ErrorCode::kInvalidArgument,
               std::string(kOp) + ": this cipher takes no workspace (got " + g.workspace.describe() + ")");
  }
  return OpNode{OpKind::kOpenChunks, {g.ciphertext}, {g.plaintext, g.status, g.workspace}, p};
}

bool open_chunks_supported(const Backend& be, const OpenChunks& g) {
  try {
    OpNode node = open_chunks_node(g);
    const bool ok = be.supports_op(node);
    wipe_key(node);
    return ok;
  } catch (const Error&) {
    return false;
  }
}

void open_chunks(Backend& be, const OpenChunks& g) {
  OpNode node = open_chunks_node(g);
  try {
    run_op(be, node);
  } catch (...) {
    wipe_key(node);
    throw;
  }
  wipe_key(node);
}

}  // namespace loka::ops

// Front end of gcm_open: src = ciphertext; dst = plaintext, status, workspace.
#include "ops/gcm_open.h"

#include <string>

#include "core/error.h"
#include "ops/op_checks.h"
#include "seal/seal_crypto.h"

namespace loka::ops {
namespace {

constexpr const char* kOp = "gcm_open";

void expect_bytes(const Tensor& t, int64_t n, DType dtype, const char* arg) {
  expect_defined(t, kOp, arg);
  expect_dtype(t, {dtype}, kOp, arg);
  LOKA_CHECK(t.ndim() == 1 && t.dim(0) == n && t.is_contiguous(), ErrorCode::kInvalidArgument,
             std::string(kOp) + ": argument '" + arg + "' " + t.describe() + " should be " +
                 std::string(dtype_name(dtype)) + "[" + std::to_string(n) + "], contiguous");
}

}  // namespace

int64_t gcm_open_chunk_count(int64_t plaintext_bytes, int64_t chunk_bytes) {
  return chunk_bytes > 0 ? (plaintext_bytes + chunk_bytes - 1) / chunk_bytes : 0;
}

int64_t gcm_open_workspace_bytes(int64_t chunks, int64_t chunk_bytes) {
  return kGcmWorkspaceFixed + chunks * (chunk_bytes / GcmOpenParams::kSegment) * kGcmTagBytes;
}

OpNode gcm_open_node(const GcmOpen& g) {
  const GcmOpenParams& p = g.params;
  LOKA_CHECK(p.chunk_bytes >= GcmOpenParams::kSegment && p.chunk_bytes % GcmOpenParams::kSegment == 0 &&
                 p.chunk_bytes <= (int64_t{1} << 26),
             ErrorCode::kInvalidArgument,
             std::string(kOp) + ": chunk_bytes " + std::to_string(p.chunk_bytes) +
                 " is not a multiple of 65536 in [65536, 64 MiB]");
  LOKA_CHECK(p.aad.size() <= GcmOpenParams::kMaxAad, ErrorCode::kInvalidArgument,
             std::string(kOp) + ": " + std::to_string(p.aad.size()) + " bytes of aad (at most 256)");
  expect_defined(g.plaintext, kOp, "plaintext");
  LOKA_CHECK(g.plaintext.ndim() == 1 && g.plaintext.dim(0) >= 1, ErrorCode::kInvalidArgument,
             std::string(kOp) + ": plaintext " + g.plaintext.describe() + " is not one non-empty row");
  const int64_t bytes = g.plaintext.dim(0);
  const int64_t chunks = gcm_open_chunk_count(bytes, p.chunk_bytes);
  LOKA_CHECK(chunks <= 65535, ErrorCode::kInvalidArgument,
             std::string(kOp) + ": " + std::to_string(chunks) + " chunks in one call (at most 65535)");
  expect_bytes(g.plaintext, bytes, DType::kU8, "plaintext");
  expect_bytes(g.ciphertext, bytes + kGcmTagBytes * chunks, DType::kU8, "ciphertext");
  expect_bytes(g.status, chunks, DType::kI32, "status");
  expect_bytes(g.workspace, gcm_open_workspace_bytes(chunks, p.chunk_bytes), DType::kU8, "workspace");
  return OpNode{OpKind::kGcmOpen, {g.ciphertext}, {g.plaintext, g.status, g.workspace}, p};
}

bool gcm_open_supported(const Backend& be, const GcmOpen& g) {
  try {
    OpNode node = gcm_open_node(g);
    const bool ok = be.supports_op(node);
    seal::secure_wipe(std::get<GcmOpenParams>(node.params).key.data(), 32);
    return ok;
  } catch (const Error&) {
    return false;
  }
}

void gcm_open(Backend& be, const GcmOpen& g) {
  OpNode node = gcm_open_node(g);
  auto& key = std::get<GcmOpenParams>(node.params).key;
  try {
    run_op(be, node);
  } catch (...) {
    seal::secure_wipe(key.data(), key.size());
    throw;
  }
  seal::secure_wipe(key.data(), key.size());
}

}  // namespace loka::ops

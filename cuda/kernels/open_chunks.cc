// open_chunks on CUDA: AES-256-GCM (gcm_open.cu) or SM4-CTR + HMAC-SM3 (sm4_open.cu).
#include "open_chunks.h"

#include <variant>

#include "kernel_registry.h"

namespace loka::cuda {
namespace {

bool sm4(const OpNode& n) {
  return std::get<ChunkOpenParams>(n.params).cipher == ChunkCipher::kSm4CtrHmacSm3;
}

bool supports_open_chunks(const OpNode& n) {
  if (!std::holds_alternative<ChunkOpenParams>(n.params)) return false;
  return sm4(n) ? supports_sm4_open(n) : supports_gcm_open(n);
}

void run_open_chunks(const OpNode& n, DeviceContext& ctx) {
  if (sm4(n)) {
    run_sm4_open(n, ctx);
  } else {
    run_gcm_open(n, ctx);
  }
}

}  // namespace

LOKA_REGISTER_CUDA_KERNEL(OpKind::kOpenChunks, supports_open_chunks, run_open_chunks);

}  // namespace loka::cuda

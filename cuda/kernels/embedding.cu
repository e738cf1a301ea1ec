// Embedding lookup: rows of table[V, D] gathered by i32 ids and converted to the output dtype.
// A bad id zeroes its row and is reported through the context's error record.
#include "common.cuh"
#include "cuda_check.h"
#include "device_context.h"
#include "kernel_registry.h"

namespace loka::cuda {
namespace {

__global__ void embedding_kernel(const void* table, int tdt, int64_t vocab, int64_t d,
                                 const int32_t* ids, void* out, int odt,
                                 DeviceErrorRecord* err) {
  const int64_t t = blockIdx.x;
  const int32_t id = ids[t];
  const bool ok = id >= 0 && id < vocab;
  if (!ok && threadIdx.x == 0 && atomicCAS(&err->code, 0, kDeviceErrorEmbeddingId) == 0) {
    err->value = id;
    err->index = t;
    err->limit = vocab;
  }
  for (int64_t i = threadIdx.x; i < d; i += blockDim.x) {
    store_float(out, odt, t * d + i, ok ? load_float(table, tdt, id * d + i) : 0.0f);
  }
}

bool supports_embedding(const OpNode& n) {
  if (n.src.size() != 2 || n.dst.size() != 1) return false;
  const Tensor &table = n.src[0], &ids = n.src[1], &out = n.dst[0];
  if (!is_f16ish_or_f32(table.dtype()) || !is_f16ish_or_f32(out.dtype())) return false;
  if (ids.dtype() != DType::kI32 || table.ndim() != 2 || ids.ndim() >= kMaxDims) return false;
  Shape want = ids.shape();
  want.push_back(table.dim(1));
  return out.shape() == want;
}

void run_embedding(const OpNode& n, DeviceContext& ctx) {
  const Tensor &table = n.src[0], &ids = n.src[1], &out = n.dst[0];
  const int64_t count = ids.numel();
  if (count == 0) return;
  LOKA_CHECK(count <= 0x7fffffff, ErrorCode::kUnsupported, "embedding: too many ids");
  embedding_kernel<<<static_cast<unsigned>(count), 256, 0, ctx.stream()>>>(
      table.data(), dt_code(table.dtype()), table.dim(0), table.dim(1),
      ids.data_as<const int32_t>(), out.data(), dt_code(out.dtype()), ctx.error_record());
  LOKA_CUDA_LAUNCHED();
}

}  // namespace

LOKA_REGISTER_CUDA_KERNEL(OpKind::kEmbedding, supports_embedding, run_embedding);

}  // namespace loka::cuda

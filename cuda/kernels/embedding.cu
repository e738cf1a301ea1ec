// Embedding lookup: rows of table[V, D] gathered by i32 ids and converted to the output dtype.
// A bad id zeroes its row and is reported through the context's error record.
#include <algorithm>

#include "common.cuh"
#include "cuda_check.h"
#include "device_context.h"
#include "kernel_registry.h"

namespace loka::cuda {
namespace {

constexpr int kPerThread = 4;  // elements a thread loads before it stores any

// Block (x, y) copies elements [y * kThreads * kPerThread, ...) of row x: all of a thread's
// loads are in flight together (the stores could alias the table, so a load-store loop would
// wait out one memory latency per element).
__global__ void __launch_bounds__(kThreads) embedding_kernel(const void* table, int tdt, int64_t vocab, int64_t d,
                                                             const int32_t* ids, void* out, int odt,
                                                             DeviceErrorRecord* err) {
  const int64_t t = blockIdx.x;
  const int32_t id = ids[t];
  const bool ok = id >= 0 && id < vocab;
  if (!ok && blockIdx.y == 0 && threadIdx.x == 0 && atomicCAS(&err->code, 0, kDeviceErrorEmbeddingId) == 0) {
    err->value = id;
    err->index = t;
    err->limit = vocab;
  }
  const int64_t first = int64_t{blockIdx.y} * kThreads * kPerThread + threadIdx.x;
  float v[kPerThread];
#pragma unroll
  for (int j = 0; j < kPerThread; ++j) {
    const int64_t i = first + int64_t{j} * kThreads;
    v[j] = ok && i < d ? load_float(table, tdt, id * d + i) : 0.0f;
  }
#pragma unroll
  for (int j = 0; j < kPerThread; ++j) {
    const int64_t i = first + int64_t{j} * kThreads;
    if (i < d) store_float(out, odt, t * d + i, v[j]);
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
  const int64_t parts = (table.dim(1) + kThreads * kPerThread - 1) / (kThreads * kPerThread);
  LOKA_CHECK(parts <= 65535, ErrorCode::kUnsupported, "embedding: rows too long");
  const dim3 grid(static_cast<unsigned>(count), static_cast<unsigned>(std::max<int64_t>(parts, 1)));
  embedding_kernel<<<grid, kThreads, 0, ctx.stream()>>>(
      table.data(), dt_code(table.dtype()), table.dim(0), table.dim(1),
      ids.data_as<const int32_t>(), out.data(), dt_code(out.dtype()), ctx.error_record());
  LOKA_CUDA_LAUNCHED();
}

}  // namespace

LOKA_REGISTER_CUDA_KERNEL(OpKind::kEmbedding, supports_embedding, run_embedding);

}  // namespace loka::cuda

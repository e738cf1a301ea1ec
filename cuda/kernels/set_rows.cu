// set_rows: rows scattered into a table at indices read on the device (the recorded decode
// step's KV-cache append). A bad index skips its row and is reported through the context's
// error record.
#include "cuda_check.h"
#include "device_context.h"
#include "dtype_codes.h"
#include "kernel_registry.h"

namespace loka::cuda {
namespace {

// Rows move as 16-bit words: every dtype set_rows takes is 2 or 4 bytes wide.
__global__ void set_rows_kernel(const uint16_t* rows, const int32_t* indices, uint16_t* table,
                                int64_t capacity, int64_t words, DeviceErrorRecord* err) {
  const int64_t t = blockIdx.x;
  const int32_t at = indices[t];
  if (at < 0 || at >= capacity) {
    if (threadIdx.x == 0 && atomicCAS(&err->code, 0, kDeviceErrorSetRowsIndex) == 0) {
      err->value = at;
      err->index = t;
      err->limit = capacity;
    }
    return;
  }
  for (int64_t i = threadIdx.x; i < words; i += blockDim.x) table[at * words + i] = rows[t * words + i];
}

bool supports_set_rows(const OpNode& n) {
  if (n.src.size() != 2 || n.dst.size() != 1) return false;
  const Tensor &rows = n.src[0], &indices = n.src[1], &table = n.dst[0];
  if (!is_f16ish_or_f32(rows.dtype()) || rows.dtype() != table.dtype()) return false;
  if (indices.dtype() != DType::kI32 || indices.numel() != rows.dim(0)) return false;
  if (rows.ndim() < 1 || rows.ndim() != table.ndim()) return false;
  for (int d = 1; d < rows.ndim(); ++d) {
    if (rows.dim(d) != table.dim(d)) return false;
  }
  return true;
}

void run_set_rows(const OpNode& n, DeviceContext& ctx) {
  const Tensor &rows = n.src[0], &indices = n.src[1], &table = n.dst[0];
  const int64_t count = rows.dim(0);
  if (count == 0 || rows.numel() == 0) return;
  LOKA_CHECK(count <= 0x7fffffff, ErrorCode::kUnsupported, "set_rows: too many rows");
  const int64_t words = static_cast<int64_t>(rows.nbytes()) / count / 2;
  set_rows_kernel<<<static_cast<unsigned>(count), 256, 0, ctx.stream()>>>(
      rows.data_as<const uint16_t>(), indices.data_as<const int32_t>(),
      table.data_as<uint16_t>(), table.dim(0), words, ctx.error_record());
  LOKA_CUDA_LAUNCHED();
}

}  // namespace

LOKA_REGISTER_CUDA_KERNEL(OpKind::kSetRows, supports_set_rows, run_set_rows);

}  // namespace loka::cuda

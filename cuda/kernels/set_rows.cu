// set_rows: rows scattered into tables at indices read on the device (the recorded decode
// step's KV-cache append: keys and values in one launch). A bad index skips its row and is
// reported through the context's error record.
#include "cuda_check.h"
#include "device_context.h"
#include "dtype_codes.h"
#include "kernel_registry.h"
#include "ops/set_rows.h"

namespace loka::cuda {
namespace {

struct Pair {
  const uint16_t* rows;
  uint16_t* table;
  int64_t capacity;  // table rows
  int64_t words;     // 16-bit words per row
};

struct SetRowsArgs {
  Pair pairs[ops::kSetRowsMaxPairs];
  const int32_t* indices;
  DeviceErrorRecord* err;
};

// Rows move as 16-bit words: every dtype set_rows takes is 2 or 4 bytes wide. Block (t, p):
// row t of pair p.
__global__ void set_rows_kernel(const SetRowsArgs a) {
  const int64_t t = blockIdx.x;
  const Pair& p = a.pairs[blockIdx.y];
  const int32_t at = a.indices[t];
  if (at < 0 || at >= p.capacity) {
    if (threadIdx.x == 0 && atomicCAS(&a.err->code, 0, kDeviceErrorSetRowsIndex) == 0) {
      a.err->value = at;
      a.err->index = t;
      a.err->limit = p.capacity;
    }
    return;
  }
  for (int64_t i = threadIdx.x; i < p.words; i += blockDim.x) p.table[at * p.words + i] = p.rows[t * p.words + i];
}

// Pairs: src = rows_0 .. rows_{P-1}, indices; dst = table_0 .. table_{P-1}.
bool supports_set_rows(const OpNode& n) {
  if (n.src.size() < 2 || n.dst.size() != n.src.size() - 1 || n.dst.size() > ops::kSetRowsMaxPairs) {
    return false;
  }
  const Tensor& indices = n.src.back();
  if (indices.dtype() != DType::kI32) return false;
  for (size_t p = 0; p < n.dst.size(); ++p) {
    const Tensor &rows = n.src[p], &table = n.dst[p];
    if (!is_f16ish_or_f32(rows.dtype()) || rows.dtype() != table.dtype()) return false;
    if (indices.numel() != rows.dim(0) || rows.ndim() < 1 || rows.ndim() != table.ndim()) return false;
    for (int d = 1; d < rows.ndim(); ++d) {
      if (rows.dim(d) != table.dim(d)) return false;
    }
  }
  return true;
}

void run_set_rows(const OpNode& n, DeviceContext& ctx) {
  const Tensor& indices = n.src.back();
  const int64_t count = indices.numel();
  if (count == 0) return;
  LOKA_CHECK(count <= 0x7fffffff, ErrorCode::kUnsupported, "set_rows: too many rows");
  SetRowsArgs a{};
  for (size_t p = 0; p < n.dst.size(); ++p) {
    const Tensor &rows = n.src[p], &table = n.dst[p];
    a.pairs[p] = {rows.data_as<const uint16_t>(), table.data_as<uint16_t>(), table.dim(0),
                  static_cast<int64_t>(rows.nbytes()) / count / 2};
  }
  a.indices = indices.data_as<const int32_t>();
  a.err = ctx.error_record();
  set_rows_kernel<<<dim3(static_cast<unsigned>(count), static_cast<unsigned>(n.dst.size())), 256, 0,
                    ctx.stream()>>>(a);
  LOKA_CUDA_LAUNCHED();
}

}  // namespace

LOKA_REGISTER_CUDA_KERNEL(OpKind::kSetRows, supports_set_rows, run_set_rows);

}  // namespace loka::cuda

// CPU set_rows: rows copied into a table at indices read when the op runs.
#include <cstring>
#include <string>

#include "core/error.h"
#include "cpu/kernel_registry.h"

namespace loka::cpu {
namespace {

bool supports_set_rows(const OpNode& n) {
  if (n.src.size() != 2 || n.dst.size() != 1) return false;
  const Tensor &rows = n.src[0], &indices = n.src[1], &table = n.dst[0];
  if (!rows.is_contiguous() || !indices.is_contiguous() || !table.is_contiguous()) return false;
  if (rows.dtype() != table.dtype() || indices.dtype() != DType::kI32) return false;
  if (rows.ndim() != table.ndim() || rows.ndim() < 1 || indices.numel() != rows.dim(0)) {
    return false;
  }
  for (int d = 1; d < rows.ndim(); ++d) {
    if (rows.dim(d) != table.dim(d)) return false;
  }
  return true;
}

void run_set_rows(const OpNode& n, CpuContext&) {
  const Tensor &rows = n.src[0], &indices = n.src[1], &table = n.dst[0];
  const int64_t count = rows.dim(0), capacity = table.dim(0);
  if (count == 0) return;
  const size_t row_bytes = rows.nbytes() / static_cast<size_t>(count);
  const auto* idx = indices.data_as<const int32_t>();
  for (int64_t t = 0; t < count; ++t) {  // all checked before any row moves
    LOKA_CHECK(idx[t] >= 0 && idx[t] < capacity, ErrorCode::kInvalidArgument,
               "set_rows: indices[" + std::to_string(t) + "] = " + std::to_string(idx[t]) +
                   " is outside the table's " + std::to_string(capacity) + " rows");
  }
  const auto* from = static_cast<const char*>(rows.data());
  auto* to = static_cast<char*>(table.data());
  for (int64_t t = 0; t < count; ++t) {
    std::memmove(to + idx[t] * row_bytes, from + t * row_bytes, row_bytes);
  }
}

}  // namespace

LOKA_REGISTER_CPU_KERNEL(OpKind::kSetRows, supports_set_rows, run_set_rows);

}  // namespace loka::cpu

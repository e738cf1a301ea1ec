// CPU set_rows: rows copied into a table at indices read when the op runs.
#include <cstring>
#include <string>

#include "core/error.h"
#include "cpu/kernel_registry.h"

namespace loka::cpu {
namespace {

// Pairs: src = rows_0 .. rows_{P-1}, indices; dst = table_0 .. table_{P-1}.
bool supports_set_rows(const OpNode& n) {
  if (n.src.size() < 2 || n.dst.size() != n.src.size() - 1) return false;
  const Tensor& indices = n.src.back();
  if (!indices.is_contiguous() || indices.dtype() != DType::kI32) return false;
  for (size_t p = 0; p < n.dst.size(); ++p) {
    const Tensor &rows = n.src[p], &table = n.dst[p];
    if (!rows.is_contiguous() || !table.is_contiguous() || rows.dtype() != table.dtype()) return false;
    if (rows.ndim() != table.ndim() || rows.ndim() < 1 || indices.numel() != rows.dim(0)) return false;
    for (int d = 1; d < rows.ndim(); ++d) {
      if (rows.dim(d) != table.dim(d)) return false;
    }
  }
  return true;
}

void run_set_rows(const OpNode& n, CpuContext&) {
  const Tensor& indices = n.src.back();
  const auto* idx = indices.data_as<const int32_t>();
  const int64_t count = indices.numel();
  for (size_t p = 0; p < n.dst.size(); ++p) {  // all checked before any row moves
    for (int64_t t = 0; t < count; ++t) {
      LOKA_CHECK(idx[t] >= 0 && idx[t] < n.dst[p].dim(0), ErrorCode::kInvalidArgument,
                 "set_rows: indices[" + std::to_string(t) + "] = " + std::to_string(idx[t]) +
                     " is outside the table's " + std::to_string(n.dst[p].dim(0)) + " rows");
    }
  }
  if (count == 0) return;
  for (size_t p = 0; p < n.dst.size(); ++p) {
    const Tensor &rows = n.src[p], &table = n.dst[p];
    const size_t row_bytes = rows.nbytes() / static_cast<size_t>(count);
    const auto* from = static_cast<const char*>(rows.data());
    auto* to = static_cast<char*>(table.data());
    for (int64_t t = 0; t < count; ++t) {
      std::memmove(to + idx[t] * row_bytes, from + t * row_bytes, row_bytes);
    }
  }
}

}  // namespace

LOKA_REGISTER_CPU_KERNEL(OpKind::kSetRows, supports_set_rows, run_set_rows);

}  // namespace loka::cpu

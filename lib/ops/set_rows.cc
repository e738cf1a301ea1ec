// Front end of set_rows.
#include "ops/set_rows.h"

#include <string>

#include "core/error.h"
#include "ops/op_checks.h"

namespace loka::ops {

void set_rows(Backend& be, const Tensor& rows, const Tensor& indices, const Tensor& table) {
  constexpr const char* kOp = "set_rows";
  expect_dtype(rows, kFloatTypes, kOp, "rows");
  expect_dtype(table, {rows.dtype()}, kOp, "table");
  expect_dtype(indices, {DType::kI32}, kOp, "indices");
  expect_rank(rows, 1, kMaxDims, kOp, "rows");
  expect_rank(table, rows.ndim(), rows.ndim(), kOp, "table");
  expect_rank(indices, 1, 1, kOp, "indices");
  for (const Tensor* t : {&rows, &indices, &table}) {
    LOKA_CHECK(t->is_contiguous(), ErrorCode::kInvalidArgument,
               std::string(kOp) + ": " + t->describe() + " is not contiguous");
  }
  LOKA_CHECK(indices.dim(0) == rows.dim(0), ErrorCode::kInvalidArgument,
             std::string(kOp) + ": " + std::to_string(indices.dim(0)) + " indices for " +
                 std::to_string(rows.dim(0)) + " rows");
  for (int d = 1; d < rows.ndim(); ++d) {
    LOKA_CHECK(rows.dim(d) == table.dim(d), ErrorCode::kInvalidArgument,
               std::string(kOp) + ": rows " + rows.shape().str() + " do not fit table " +
                   table.shape().str());
  }
  if (indices.device().is_host()) {
    const auto* idx = indices.data_as<const int32_t>();
    for (int64_t t = 0; t < indices.dim(0); ++t) {
      LOKA_CHECK(idx[t] >= 0 && idx[t] < table.dim(0), ErrorCode::kInvalidArgument,
                 std::string(kOp) + ": indices[" + std::to_string(t) + "] = " +
                     std::to_string(idx[t]) + " is outside the table's " +
                     std::to_string(table.dim(0)) + " rows");
    }
  }
  run_op(be, OpNode{OpKind::kSetRows, {rows, indices}, {table}, {}});
}

}  // namespace loka::ops

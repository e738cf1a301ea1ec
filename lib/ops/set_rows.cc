// Front end of set_rows.
#include "ops/set_rows.h"

#include <string>

#include "core/error.h"
#include "ops/op_checks.h"

namespace loka::ops {

void set_rows(Backend& be, const Tensor& rows, const Tensor& indices, const Tensor& table) {
  set_rows(be, std::span<const Tensor>(&rows, 1), indices, std::span<const Tensor>(&table, 1));
}

void set_rows(Backend& be, std::span<const Tensor> rows, const Tensor& indices,
              std::span<const Tensor> tables) {
  constexpr const char* kOp = "set_rows";
  LOKA_CHECK(!rows.empty() && rows.size() == tables.size() && rows.size() <= kSetRowsMaxPairs,
             ErrorCode::kInvalidArgument,
             std::string(kOp) + ": " + std::to_string(rows.size()) + " row sets for " +
                 std::to_string(tables.size()) + " tables (1 to " +
                 std::to_string(kSetRowsMaxPairs) + " pairs)");
  expect_dtype(indices, {DType::kI32}, kOp, "indices");
  expect_rank(indices, 1, 1, kOp, "indices");
  LOKA_CHECK(indices.is_contiguous(), ErrorCode::kInvalidArgument,
             std::string(kOp) + ": " + indices.describe() + " is not contiguous");
  OpNode node{OpKind::kSetRows, {}, {}, {}};
  for (size_t p = 0; p < rows.size(); ++p) {
    const Tensor &r = rows[p], &table = tables[p];
    expect_dtype(r, kFloatTypes, kOp, "rows");
    expect_dtype(table, {r.dtype()}, kOp, "table");
    expect_rank(r, 1, kMaxDims, kOp, "rows");
    expect_rank(table, r.ndim(), r.ndim(), kOp, "table");
    for (const Tensor* t : {&r, &table}) {
      LOKA_CHECK(t->is_contiguous(), ErrorCode::kInvalidArgument,
                 std::string(kOp) + ": " + t->describe() + " is not contiguous");
    }
    LOKA_CHECK(indices.dim(0) == r.dim(0), ErrorCode::kInvalidArgument,
               std::string(kOp) + ": " + std::to_string(indices.dim(0)) + " indices for " +
                   std::to_string(r.dim(0)) + " rows");
    for (int d = 1; d < r.ndim(); ++d) {
      LOKA_CHECK(r.dim(d) == table.dim(d), ErrorCode::kInvalidArgument,
                 std::string(kOp) + ": rows " + r.shape().str() + " do not fit table " +
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
    node.src.push_back(r);
    node.dst.push_back(table);
  }
  node.src.push_back(indices);
  run_op(be, node);
}

}  // namespace loka::ops

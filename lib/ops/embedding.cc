// Front end of embedding.
#include "ops/embedding.h"

#include "core/error.h"
#include "ops/op_checks.h"

namespace loka::ops {

Tensor embedding(Backend& be, const Tensor& table, const Tensor& ids, DType out_dtype,
                 const Tensor* out) {
  constexpr const char* kOp = "embedding";
  expect_dtype(table, kFloatTypes, kOp, "table");
  expect_rank(table, 2, 2, kOp, "table");
  expect_dtype(ids, {DType::kI32}, kOp, "ids");
  expect_rank(ids, 0, kMaxDims - 1, kOp, "ids");
  for (const Tensor* t : {&table, &ids}) {
    LOKA_CHECK(t->is_contiguous(), ErrorCode::kInvalidArgument,
          std::string(kOp) + ": input " + t->describe() + " is not contiguous");
  }
  bool float_out = false;
  for (DType d : kFloatTypes) float_out = float_out || d == out_dtype;
  LOKA_CHECK(float_out, ErrorCode::kInvalidArgument,
        std::string(kOp) + ": out_dtype " + std::string(dtype_name(out_dtype)) +
            " is not one of f32, f16, bf16");
  LOKA_CHECK(table.dim(0) > 0, ErrorCode::kInvalidArgument,
        std::string(kOp) + ": 'table' " + table.shape().str() + " has no rows");
  Shape shape = ids.shape();
  shape.push_back(table.dim(1));
  OpNode node{OpKind::kEmbedding, {table, ids}, {output_or_alloc(be, out, out_dtype, shape, kOp)}, {}};
  run_op(be, node);
  return node.dst[0];
}

}  // namespace loka::ops

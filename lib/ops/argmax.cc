// Front end of argmax.
#include "ops/argmax.h"

#include <limits>

#include "core/error.h"
#include "ops/op_checks.h"

namespace loka::ops {

Tensor argmax(Backend& be, const Tensor& x) {
  const char* op = "argmax";
  expect_dtype(x, kFloatTypes, op, "x");
  expect_rank(x, 1, kMaxDims, op, "x");
  if (x.dim(-1) < 1 || x.dim(-1) > std::numeric_limits<int32_t>::max()) {
    throw Error(ErrorCode::kInvalidArgument,
                "argmax: last dimension of 'x' " + x.shape().str() + " must be in [1, 2^31)");
  }
  if (!x.is_contiguous()) {
    throw Error(ErrorCode::kInvalidArgument,
                "argmax: argument 'x' " + x.describe() + " is not contiguous");
  }
  Shape rows;
  for (int i = 0; i + 1 < x.ndim(); ++i) rows.push_back(x.shape()[i]);
  OpNode node{OpKind::kArgmax, {x}, {be.alloc(DType::kI32, rows)}, {}};
  run_op(be, node);
  return node.dst[0];
}

}  // namespace loka::ops

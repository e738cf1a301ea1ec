// Front end of top_k.
#include "ops/top_k.h"

#include <limits>

#include "core/error.h"
#include "ops/op_checks.h"

namespace loka::ops {

TopK top_k(Backend& be, const Tensor& x, int64_t k) {
  const char* op = "top_k";
  expect_dtype(x, kFloatTypes, op, "x");
  expect_rank(x, 1, kMaxDims, op, "x");
  const int64_t n = x.dim(-1);
  if (n > std::numeric_limits<int32_t>::max()) {
    throw Error(ErrorCode::kInvalidArgument,
                "top_k: last dimension of 'x' " + x.shape().str() + " does not fit i32 indices");
  }
  if (k < 1 || k > n) {
    throw Error(ErrorCode::kInvalidArgument, "top_k: k = " + std::to_string(k) +
                                                 " is out of range [1, " + std::to_string(n) +
                                                 "] for 'x' " + x.shape().str());
  }
  if (!x.is_contiguous()) {
    throw Error(ErrorCode::kInvalidArgument,
                "top_k: argument 'x' " + x.describe() + " is not contiguous");
  }
  Shape out_shape = x.shape();
  out_shape[x.ndim() - 1] = k;
  OpNode node{OpKind::kTopK,
              {x},
              {be.alloc(x.dtype(), out_shape), be.alloc(DType::kI32, out_shape)},
              TopKParams{k}};
  run_op(be, node);
  return {node.dst[0], node.dst[1]};
}

}  // namespace loka::ops

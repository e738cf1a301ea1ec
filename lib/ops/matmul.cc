// Front end of matmul: shape and dtype checks, output allocation, dispatch.
#include "ops/matmul.h"

#include "core/error.h"
#include "ops/op_checks.h"

namespace loka::ops {

Tensor matmul(Backend& be, const Tensor& a, const Tensor& b, bool transpose_b, const Tensor* out) {
  const char* op = "matmul";
  expect_dtype(a, kFloatTypes, op, "a");
  expect_dtype(b, kFloatTypes, op, "b");
  expect_rank(a, 2, kMaxDims, op, "a");
  expect_rank(b, 2, a.ndim(), op, "b");
  const int64_t k = a.dim(-1);
  const int64_t bk = transpose_b ? b.dim(-1) : b.dim(-2);
  const int64_t n = transpose_b ? b.dim(-2) : b.dim(-1);
  LOKA_CHECK(k == bk, ErrorCode::kInvalidArgument,
             std::string(op) + ": 'a' " + a.shape().str() + " has K = " + std::to_string(k) +
                 " but 'b' " + b.shape().str() + " has K = " + std::to_string(bk) +
                 (transpose_b ? " (b is [N, K], transpose_b)" : " (b is [K, N])"));
  const int skip = a.ndim() - b.ndim();
  for (int i = 0; i + 2 < b.ndim(); ++i) {
    const int64_t bd = b.shape()[i], ad = a.shape()[skip + i];
    LOKA_CHECK(bd == ad || bd == 1, ErrorCode::kInvalidArgument,
               std::string(op) + ": batch dimensions of 'b' " + b.shape().str() +
                   " do not broadcast to those of 'a' " + a.shape().str() +
                   " (each must equal a's or be 1)");
  }
  Shape shape = a.shape();
  shape[shape.size() - 1] = n;
  if (out && out->defined()) expect_dtype(*out, kFloatTypes, op, "out");
  const DType dtype = out && out->defined() ? out->dtype() : DType::kF32;
  OpNode node{OpKind::kMatMul,
              {a, b},
              {output_or_alloc(be, out, dtype, shape, op)},
              MatMulParams{transpose_b}};
  run_op(be, node);
  return node.dst[0];
}

}  // namespace loka::ops

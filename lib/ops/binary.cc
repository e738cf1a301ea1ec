// Front end of add and mul.
#include "ops/binary.h"

#include "core/error.h"
#include "ops/op_checks.h"

namespace loka::ops {
namespace {

Tensor binary(OpKind kind, Backend& be, const Tensor& a, const Tensor& b, const Tensor* out) {
  const char* op = op_name(kind);
  expect_dtype(a, kFloatTypes, op, "a");
  expect_dtype(b, kFloatTypes, op, "b");
  LOKA_CHECK(b.ndim() <= a.ndim(), ErrorCode::kInvalidArgument,
        std::string(op) + ": 'b' " + b.shape().str() + " has more dimensions than 'a' " +
            a.shape().str());
  const int skip = a.ndim() - b.ndim();
  for (int i = 0; i < b.ndim(); ++i) {
    LOKA_CHECK(b.shape()[i] == a.shape()[skip + i], ErrorCode::kInvalidArgument,
          std::string(op) + ": 'b' " + b.shape().str() + " does not broadcast to 'a' " +
              a.shape().str() + " (it must match a's trailing dimensions)");
  }
  const DType dtype = out && out->defined() ? out->dtype() : a.dtype();
  if (out && out->defined()) expect_dtype(*out, kFloatTypes, op, "out");
  OpNode node{kind, {a, b}, {output_or_alloc(be, out, dtype, a.shape(), op)}, {}};
  run_op(be, node);
  return node.dst[0];
}

}  // namespace

Tensor add(Backend& be, const Tensor& a, const Tensor& b, const Tensor* out) {
  return binary(OpKind::kAdd, be, a, b, out);
}

Tensor mul(Backend& be, const Tensor& a, const Tensor& b, const Tensor* out) {
  return binary(OpKind::kMul, be, a, b, out);
}

}  // namespace loka::ops

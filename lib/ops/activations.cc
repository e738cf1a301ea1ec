// Front end of swiglu and gelu.
#include "ops/activations.h"

#include "core/error.h"
#include "ops/op_checks.h"

namespace loka::ops {
namespace {

void expect_contiguous_input(const Tensor& t, const char* op, const char* arg) {
  if (!t.is_contiguous()) {
    throw Error(ErrorCode::kInvalidArgument, std::string(op) + ": argument '" + arg + "' " +
                                                 t.describe() + " is not contiguous");
  }
}

}  // namespace

Tensor swiglu(Backend& be, const Tensor& gate, const Tensor& up, const Tensor* out) {
  const char* op = "swiglu";
  expect_dtype(gate, kFloatTypes, op, "gate");
  expect_dtype(up, kFloatTypes, op, "up");
  expect_same_shape(gate, up, op, "gate", "up");
  expect_contiguous_input(gate, op, "gate");
  expect_contiguous_input(up, op, "up");
  OpNode node{OpKind::kSwiGLU,
              {gate, up},
              {float_output_or_alloc(be, out, gate.dtype(), gate.shape(), op)},
              {}};
  run_op(be, node);
  return node.dst[0];
}

Tensor gelu(Backend& be, const Tensor& x, const GeluParams& p, const Tensor* out) {
  const char* op = "gelu";
  expect_dtype(x, kFloatTypes, op, "x");
  expect_contiguous_input(x, op, "x");
  OpNode node{OpKind::kGelu, {x}, {float_output_or_alloc(be, out, x.dtype(), x.shape(), op)}, p};
  run_op(be, node);
  return node.dst[0];
}

}  // namespace loka::ops

// Front end of convert.
#include "ops/convert.h"

#include "core/error.h"
#include "ops/op_checks.h"

namespace loka::ops {
namespace {

bool is_float(DType t) {
  return t == DType::kF32 || t == DType::kF16 || t == DType::kBF16 || t == DType::kF64;
}

}  // namespace

bool is_convertible(DType from, DType to) {
  if (is_float(from) && is_float(to)) return true;
  const bool from_int = from == DType::kI32 || from == DType::kI8;
  const bool to_int = to == DType::kI32 || to == DType::kI8;
  return (from_int && to == DType::kF32) || (from == DType::kF32 && to_int);
}

Tensor convert(Backend& be, const Tensor& x, DType to, const Tensor* out) {
  const char* op = "convert";
  expect_defined(x, op, "x");
  if (to >= DType::kCount) {
    throw Error(
        ErrorCode::kInvalidArgument,
        "convert: target dtype " + std::to_string(static_cast<int>(to)) + " is not a dtype");
  }
  if (!is_convertible(x.dtype(), to)) {
    throw Error(ErrorCode::kInvalidArgument,
                "convert: " + std::string(dtype_name(x.dtype())) + " -> " +
                    std::string(dtype_name(to)) +
                    " is not defined (floats f32/f16/bf16/f64 convert among themselves, i32 and i8 "
                    "to and from f32 only)");
  }
  if (!x.is_contiguous()) {
    throw Error(ErrorCode::kInvalidArgument,
                "convert: argument 'x' " + x.describe() + " is not contiguous");
  }
  OpNode node{OpKind::kConvert, {x}, {output_or_alloc(be, out, to, x.shape(), op)}, {}};
  run_op(be, node);
  return node.dst[0];
}

}  // namespace loka::ops

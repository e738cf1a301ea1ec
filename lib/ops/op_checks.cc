// Front-end validation helpers.
#include "ops/op_checks.h"

#include "core/error.h"

namespace loka::ops {
namespace {
std::string where(const char* op, const char* arg) {
  return std::string(op) + ": argument '" + arg + "' ";
}
}  // namespace

void expect_defined(const Tensor& t, const char* op, const char* arg) {
  LOKA_CHECK(t.defined(), ErrorCode::kInvalidArgument, where(op, arg) + "is an empty tensor");
}

void expect_dtype(const Tensor& t, std::initializer_list<DType> allowed, const char* op,
                  const char* arg) {
  expect_defined(t, op, arg);
  std::string names;
  for (DType d : allowed) {
    if (d == t.dtype()) return;
    names += (names.empty() ? "" : ", ") + std::string(dtype_name(d));
  }
  throw Error(ErrorCode::kInvalidArgument,
              where(op, arg) + "has dtype " + std::string(dtype_name(t.dtype())) +
                  ", expected one of " + names);
}

void expect_rank(const Tensor& t, int min_rank, int max_rank, const char* op, const char* arg) {
  expect_defined(t, op, arg);
  LOKA_CHECK(t.ndim() >= min_rank && t.ndim() <= max_rank, ErrorCode::kInvalidArgument,
        where(op, arg) + "has shape " + t.shape().str() + ", expected rank " +
            std::to_string(min_rank) +
            (min_rank == max_rank ? std::string() : ".." + std::to_string(max_rank)));
}

void expect_same_shape(const Tensor& a, const Tensor& b, const char* op, const char* a_name,
                       const char* b_name) {
  LOKA_CHECK(a.shape() == b.shape(), ErrorCode::kInvalidArgument,
        std::string(op) + ": '" + a_name + "' " + a.shape().str() + " and '" + b_name + "' " +
            b.shape().str() + " differ in shape");
}

void expect_output(const Tensor& dst, DType dtype, const Shape& shape, const char* op) {
  expect_defined(dst, op, "out");
  LOKA_CHECK(dst.dtype() == dtype && dst.shape() == shape, ErrorCode::kInvalidArgument,
        std::string(op) + ": output is " + dst.describe() + ", expected " +
            std::string(dtype_name(dtype)) + shape.str());
  LOKA_CHECK(dst.is_contiguous(), ErrorCode::kInvalidArgument,
        std::string(op) + ": output " + dst.describe() + " is not contiguous");
}

Tensor output_or_alloc(Backend& be, const Tensor* out, DType dtype, const Shape& shape,
                       const char* op) {
  if (out != nullptr && out->defined()) {
    expect_output(*out, dtype, shape, op);
    return *out;
  }
  return be.alloc(dtype, shape);
}

Tensor float_output_or_alloc(Backend& be, const Tensor* out, DType dtype, const Shape& shape,
                             const char* op) {
  const bool has_out = out != nullptr && out->defined();
  if (has_out) expect_dtype(*out, kFloatTypes, op, "out");
  return output_or_alloc(be, out, has_out ? out->dtype() : dtype, shape, op);
}

void run_op(Backend& be, const OpNode& node) {
  if (!be.supports_op(node)) {
    throw Error(ErrorCode::kUnsupported,
                "backend '" + be.name() + "' does not support " + node.describe());
  }
  be.compute(node);
}

}  // namespace loka::ops

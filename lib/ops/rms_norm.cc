// Front end of rms_norm and rms_norm_residual.
#include "ops/rms_norm.h"

#include <cmath>

#include "core/error.h"
#include "ops/op_checks.h"

namespace loka::ops {
namespace {

constexpr const char* kOp = "rms_norm";

void check_common(const Tensor& x, const Tensor& weight, float eps) {
  expect_dtype(x, kFloatTypes, kOp, "x");
  expect_dtype(weight, kFloatTypes, kOp, "weight");
  expect_rank(x, 1, kMaxDims, kOp, "x");
  expect_rank(weight, 1, 1, kOp, "weight");
  LOKA_CHECK(x.dim(-1) > 0, ErrorCode::kInvalidArgument,
        std::string(kOp) + ": 'x' " + x.shape().str() + " has an empty last dimension");
  LOKA_CHECK(weight.dim(0) == x.dim(-1), ErrorCode::kInvalidArgument,
        std::string(kOp) + ": 'weight' " + weight.shape().str() +
            " does not match the last dimension of 'x' " + x.shape().str());
  LOKA_CHECK(std::isfinite(eps) && eps >= 0.0f, ErrorCode::kInvalidArgument,
        std::string(kOp) + ": eps must be finite and >= 0, got " + std::to_string(eps));
  for (const Tensor* t : {&x, &weight}) {
    LOKA_CHECK(t->is_contiguous(), ErrorCode::kInvalidArgument,
          std::string(kOp) + ": input " + t->describe() + " is not contiguous");
  }
}

void check_residual(const Tensor& x, const Tensor& residual, const Tensor& weight, float eps) {
  check_common(x, weight, eps);
  expect_dtype(residual, kFloatTypes, kOp, "residual");
  expect_same_shape(x, residual, kOp, "x", "residual");
  LOKA_CHECK(residual.is_contiguous(), ErrorCode::kInvalidArgument,
        std::string(kOp) + ": input " + residual.describe() + " is not contiguous");
}

}  // namespace

Tensor rms_norm(Backend& be, const Tensor& x, const Tensor& weight, float eps, const Tensor* out) {
  check_common(x, weight, eps);
  OpNode node{OpKind::kRmsNorm,
              {x, weight},
              {float_output_or_alloc(be, out, x.dtype(), x.shape(), kOp)},
              RmsNormParams{eps}};
  run_op(be, node);
  return node.dst[0];
}

RmsNormResidual rms_norm_residual(Backend& be, const Tensor& x, const Tensor& residual,
                                  const Tensor& weight, float eps) {
  check_residual(x, residual, weight, eps);
  RmsNormResidual r{be.alloc(x.dtype(), x.shape()), be.alloc(residual.dtype(), x.shape())};
  rms_norm_residual(be, x, residual, weight, eps, r.out, r.sum);
  return r;
}

void rms_norm_residual(Backend& be, const Tensor& x, const Tensor& residual,
                       const Tensor& weight, float eps, const Tensor& out, const Tensor& sum) {
  check_residual(x, residual, weight, eps);
  expect_dtype(out, kFloatTypes, kOp, "out");
  expect_output(out, out.dtype(), x.shape(), kOp);
  expect_output(sum, residual.dtype(), x.shape(), kOp);
  run_op(be, OpNode{OpKind::kRmsNorm, {x, weight, residual}, {out, sum}, RmsNormParams{eps}});
}

}  // namespace loka::ops

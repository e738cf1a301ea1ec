// Front end of softmax.
#include "ops/softmax.h"

#include <cmath>

#include "core/error.h"
#include "ops/op_checks.h"

namespace loka::ops {

Tensor softmax(Backend& be, const Tensor& x, const SoftmaxParams& p, const Tensor* out) {
  constexpr const char* kOp = "softmax";
  expect_dtype(x, kFloatTypes, kOp, "x");
  expect_rank(x, p.causal ? 2 : 1, kMaxDims, kOp, "x");
  LOKA_CHECK(x.dim(-1) > 0, ErrorCode::kInvalidArgument,
        std::string(kOp) + ": 'x' " + x.shape().str() + " has an empty last dimension");
  LOKA_CHECK(x.is_contiguous(), ErrorCode::kInvalidArgument,
        std::string(kOp) + ": input " + x.describe() + " is not contiguous");
  LOKA_CHECK(std::isfinite(p.scale), ErrorCode::kInvalidArgument,
        std::string(kOp) + ": scale must be finite, got " + std::to_string(p.scale));
  if (p.causal) {
    LOKA_CHECK(x.dim(-1) >= x.dim(-2), ErrorCode::kInvalidArgument,
          std::string(kOp) + ": causal mask needs x[..., T, S] with S >= T, got " +
              x.shape().str() + " (S = " + std::to_string(x.dim(-1)) +
              " < T = " + std::to_string(x.dim(-2)) + ")");
  }
  const bool has_out = out != nullptr && out->defined();
  if (has_out) expect_dtype(*out, kFloatTypes, kOp, "out");
  OpNode node{OpKind::kSoftmax,
              {x},
              {output_or_alloc(be, out, has_out ? out->dtype() : x.dtype(), x.shape(), kOp)},
              p};
  run_op(be, node);
  return node.dst[0];
}

}  // namespace loka::ops

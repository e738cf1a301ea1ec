// Front end of fused_matvec: the node's layout is
//   src = x, weight, [norm_weight], [bias], [positions (kRopeKv)]
//   dst = out, [k_table, v_table (kRopeKv)]
// with FusedMatVecParams saying which optional tensors are present.
#include "ops/fused_matvec.h"

#include <string>

#include "core/error.h"
#include "ops/op_checks.h"

namespace loka::ops {
namespace {

constexpr const char* kOp = "fused_matvec";

void expect_contiguous(const Tensor& t, const char* arg) {
  LOKA_CHECK(t.is_contiguous(), ErrorCode::kInvalidArgument,
             std::string(kOp) + ": argument '" + arg + "' " + t.describe() + " is not contiguous");
}

void expect_shape(const Tensor& t, const Shape& shape, const char* arg) {
  LOKA_CHECK(t.shape() == shape, ErrorCode::kInvalidArgument,
             std::string(kOp) + ": argument '" + arg + "' has shape " + t.shape().str() +
                 ", expected " + shape.str());
}

// The kRopeKv tensors, and that the n weight rows are Hq heads of q and the k and v tables' heads.
void check_rope_kv(const FusedMatVec& f, int64_t n) {
  expect_dtype(f.positions, {DType::kI32}, kOp, "positions");
  expect_shape(f.positions, {1}, "positions");
  expect_dtype(f.k_table, kFloatTypes, kOp, "k_table");
  expect_dtype(f.v_table, {f.k_table.dtype()}, kOp, "v_table");
  expect_rank(f.k_table, 3, 3, kOp, "k_table");
  expect_same_shape(f.k_table, f.v_table, kOp, "k_table", "v_table");
  expect_contiguous(f.k_table, "k_table");
  expect_contiguous(f.v_table, "v_table");
  const int64_t kv_width = f.k_table.dim(1) * f.k_table.dim(2);
  const int64_t q_width = n - 2 * kv_width;
  const int64_t d = f.k_table.dim(2);
  LOKA_CHECK(d > 0 && q_width > 0 && q_width % d == 0, ErrorCode::kInvalidArgument,
             std::string(kOp) + ": " + std::to_string(n) + " weight rows do not split into q heads and k, v tables " +
                 f.k_table.shape().str());
  expect_dtype(f.out, kFloatTypes, kOp, "out");
  expect_shape(f.out, {1, q_width}, "out");
}

}  // namespace

OpNode fused_matvec_node(const FusedMatVec& f) {
  expect_dtype(f.x, {DType::kF32}, kOp, "x");
  expect_rank(f.x, 2, 2, kOp, "x");
  expect_contiguous(f.x, "x");
  LOKA_CHECK(f.x.dim(0) == 1, ErrorCode::kInvalidArgument,
             std::string(kOp) + ": x " + f.x.shape().str() + " is not one row");
  expect_dtype(f.weight, kFloatTypes, kOp, "weight");
  expect_rank(f.weight, 2, 2, kOp, "weight");
  expect_contiguous(f.weight, "weight");
  const int64_t n = f.weight.dim(0), k = f.weight.dim(1);
  LOKA_CHECK(f.x.dim(1) == k, ErrorCode::kInvalidArgument,
             std::string(kOp) + ": x " + f.x.shape().str() + " and weight " +
                 f.weight.shape().str() + " differ in K");
  FusedMatVecParams p{.norm = f.norm_weight.defined(), .eps = f.eps, .bias = f.bias.defined(),
                      .epilogue = f.epilogue, .rope = f.rope};
  OpNode node{OpKind::kFusedMatVec, {f.x, f.weight}, {f.out}, p};
  if (p.norm) {
    expect_dtype(f.norm_weight, {DType::kF32}, kOp, "norm_weight");
    expect_shape(f.norm_weight, {k}, "norm_weight");
    node.src.push_back(f.norm_weight);
  }
  if (p.bias) {
    expect_dtype(f.bias, {DType::kF32}, kOp, "bias");
    expect_shape(f.bias, {n}, "bias");
    node.src.push_back(f.bias);
  }
  switch (f.epilogue) {
    case MatVecEpilogue::kStore:
    case MatVecEpilogue::kAccumulate:
      expect_dtype(f.out, kFloatTypes, kOp, "out");
      expect_shape(f.out, {1, n}, "out");
      break;
    case MatVecEpilogue::kSwiGLU:
      LOKA_CHECK(n % 2 == 0, ErrorCode::kInvalidArgument,
                 std::string(kOp) + ": SwiGLU needs an even number of weight rows, not " + std::to_string(n));
      expect_dtype(f.out, kFloatTypes, kOp, "out");
      expect_shape(f.out, {1, n / 2}, "out");
      break;
    case MatVecEpilogue::kRopeKv:
      check_rope_kv(f, n);
      node.src.push_back(f.positions);
      node.dst.push_back(f.k_table);
      node.dst.push_back(f.v_table);
      break;
  }
  expect_contiguous(f.out, "out");
  // Blocks read all of x while others write their rows of out.
  const auto* x0 = static_cast<const char*>(f.x.data());
  const auto* o0 = static_cast<const char*>(f.out.data());
  LOKA_CHECK(o0 + f.out.nbytes() <= x0 || x0 + f.x.nbytes() <= o0, ErrorCode::kInvalidArgument,
             std::string(kOp) + ": out overlaps x");
  return node;
}

bool fused_matvec_supported(const Backend& be, const FusedMatVec& f) {
  try {
    return be.supports_op(fused_matvec_node(f));
  } catch (const Error&) {
    return false;
  }
}

void fused_matvec(Backend& be, const FusedMatVec& f) { run_op(be, fused_matvec_node(f)); }

}  // namespace loka::ops

// Front end of attention.
#include "ops/attention.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include "core/error.h"
#include "ops/op_checks.h"

namespace loka::ops {
namespace {

constexpr const char* kOp = "attention";

void expect_attention_input(const Tensor& t, const char* arg) {
  expect_dtype(t, kFloatTypes, kOp, arg);
  expect_rank(t, 3, 3, kOp, arg);
  if (t.strides()[2] != 1 && t.dim(2) != 1) {
    throw Error(ErrorCode::kInvalidArgument,
                std::string(kOp) + ": argument '" + arg + "' " + t.describe() + " with strides " +
                    t.strides().str() + " is not contiguous in its last dimension");
  }
}

std::string dims(const Tensor& q, const Tensor& k, const Tensor& v) {
  return " (q " + q.shape().str() + ", k " + k.shape().str() + ", v " + v.shape().str() + ")";
}

void expect_kv_len(const Tensor& kv_len, int64_t t, int64_t s, bool causal) {
  expect_dtype(kv_len, {DType::kI32}, kOp, "kv_len");
  LOKA_CHECK(kv_len.numel() == 1 && kv_len.is_contiguous(), ErrorCode::kInvalidArgument,
             std::string(kOp) + ": 'kv_len' " + kv_len.describe() + " must hold one i32");
  if (!kv_len.device().is_host()) return;  // read by the device when the op runs
  const int64_t len = *kv_len.data_as<const int32_t>();
  const int64_t low = causal ? std::max<int64_t>(t, 1) : 1;
  LOKA_CHECK(len >= low && len <= s, ErrorCode::kInvalidArgument,
             std::string(kOp) + ": kv_len " + std::to_string(len) + " is outside [" +
                 std::to_string(low) + ", " + std::to_string(s) + "] (" + std::to_string(t) +
                 " queries, " + std::to_string(s) + " kv positions)");
}

}  // namespace

Tensor attention(Backend& be, const Tensor& q, const Tensor& k, const Tensor& v,
                 const AttentionParams& p, const Tensor* out, const Tensor* kv_len) {
  expect_attention_input(q, "q");
  expect_attention_input(k, "k");
  expect_attention_input(v, "v");
  const int64_t t = q.dim(0), hq = q.dim(1), d = q.dim(2);
  const int64_t s = k.dim(0), hkv = k.dim(1), dv = v.dim(2);
  if (k.dim(2) != d) {
    throw Error(ErrorCode::kInvalidArgument,
                "attention: head size of k differs from q's" + dims(q, k, v));
  }
  if (v.dim(0) != s || v.dim(1) != hkv) {
    throw Error(ErrorCode::kInvalidArgument,
                "attention: k and v differ in positions or heads" + dims(q, k, v));
  }
  if (d < 1 || dv < 1 || hkv < 1 || s < 1) {
    throw Error(ErrorCode::kInvalidArgument,
                "attention: head sizes, kv heads and kv positions must be >= 1" + dims(q, k, v));
  }
  if (hq % hkv != 0) {
    throw Error(ErrorCode::kInvalidArgument, "attention: query heads " + std::to_string(hq) +
                                                 " are not a multiple of kv heads " +
                                                 std::to_string(hkv) + dims(q, k, v));
  }
  if (p.causal && s < t) {
    throw Error(ErrorCode::kInvalidArgument,
                "attention: causal attention needs at least as many kv positions as queries" +
                    dims(q, k, v));
  }
  if (!std::isfinite(p.scale)) {
    throw Error(ErrorCode::kInvalidArgument,
                "attention: scale " + std::to_string(p.scale) + " is not finite");
  }
  std::vector<Tensor> src{q, k, v};
  if (kv_len != nullptr) {
    expect_kv_len(*kv_len, t, s, p.causal);
    src.push_back(*kv_len);
  }
  AttentionParams resolved = p;
  if (resolved.scale == 0.0f) resolved.scale = static_cast<float>(1.0 / std::sqrt(double(d)));
  OpNode node{OpKind::kAttention,
              std::move(src),
              {float_output_or_alloc(be, out, q.dtype(), Shape{t, hq, dv}, kOp)},
              resolved};
  run_op(be, node);
  return node.dst[0];
}

}  // namespace loka::ops

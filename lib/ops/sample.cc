// Front end of sample: checks, the penalty table upload, the op, the id back to the host.
#include "ops/sample.h"

#include <algorithm>
#include <string>
#include <vector>

#include "core/error.h"
#include "ops/op_checks.h"

namespace loka::ops {

bool device_can_sample(const SampleParams& p) {
  return p.temperature <= 0.0f || (p.top_k >= 1 && p.top_k <= kDeviceSampleMaxTopK);
}

int32_t sample_token(Backend& be, const Tensor& logits, std::span<const sampling::PenaltyCount> counts,
                     const SampleParams& p, SampleWorkspace& ws) {
  constexpr const char* kOp = "sample";
  expect_dtype(logits, {DType::kF32}, kOp, "logits");
  expect_rank(logits, 1, 2, kOp, "logits");
  LOKA_CHECK(logits.is_contiguous() && (logits.ndim() == 1 || logits.dim(0) == 1),
             ErrorCode::kInvalidArgument,
             std::string(kOp) + ": logits " + logits.describe() + " is not one contiguous row");
  const int64_t vocab = logits.dim(-1);
  LOKA_CHECK(vocab >= 1 && vocab <= 0x7fffffff, ErrorCode::kInvalidArgument,
             std::string(kOp) + ": vocabulary of " + std::to_string(vocab) + " entries");
  LOKA_CHECK(p.u >= 0.0 && p.u < 1.0, ErrorCode::kInvalidArgument,
             std::string(kOp) + ": u = " + std::to_string(p.u) + " is outside [0, 1)");
  for (size_t i = 0; i < counts.size(); ++i) {
    LOKA_CHECK(counts[i].id >= 0 && counts[i].id < vocab && counts[i].count > 0 &&
                   (i == 0 || counts[i - 1].id < counts[i].id),
               ErrorCode::kInvalidArgument,
               std::string(kOp) + ": penalty entry " + std::to_string(i) + " (id " +
                   std::to_string(counts[i].id) + ", count " + std::to_string(counts[i].count) +
                   ") is not a distinct id in ascending order with a positive count");
  }
  const auto n = static_cast<int64_t>(counts.size());
  if (!ws.penalties.defined() || ws.penalties.dim(0) < n) {
    const int64_t grown = ws.penalties.defined() ? 2 * ws.penalties.dim(0) : 64;
    ws.penalties = be.alloc(DType::kI32, {std::max(n, grown), 2});
  }
  if (!ws.scratch.defined() || ws.scratch.dim(0) != vocab) ws.scratch = be.alloc(DType::kF32, {vocab});
  if (!ws.token.defined()) ws.token = be.alloc(DType::kI32, {1});
  const Tensor table = ws.penalties.slice(0, 0, n);
  if (n > 0) {
    std::vector<int32_t> flat(static_cast<size_t>(2 * n));
    for (int64_t i = 0; i < n; ++i) {
      flat[2 * i] = counts[i].id;
      flat[2 * i + 1] = counts[i].count;
    }
    be.copy(Tensor::borrow(DType::kI32, {n, 2}, flat.data(), nullptr), table);
  }
  run_op(be, OpNode{OpKind::kSample, {logits.reshape({vocab}), table}, {ws.token, ws.scratch}, p});
  int32_t id = -1;
  be.copy(ws.token, Tensor::borrow(DType::kI32, {1}, &id, nullptr));
  return id;
}

}  // namespace loka::ops

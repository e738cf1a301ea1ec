// Token sampler: penalties, top-k, top-p, min-p, temperature and a seeded draw, in llama.cpp's default order.
#include "runtime/sampler.h"

#include <algorithm>
#include <cmath>

#include "core/error.h"

namespace loka {

Sampler::Sampler(const SamplerParams& params) : params_(params), rng_(params.seed) {
  LOKA_CHECK(!(params.top_p <= 0.0f) && std::isfinite(params.top_p), ErrorCode::kInvalidArgument,
             "sampler: top_p must be in (0, 1], got " + std::to_string(params.top_p));
  LOKA_CHECK(params.min_p <= 1.0f && !std::isnan(params.min_p), ErrorCode::kInvalidArgument,
             "sampler: min_p must be <= 1, got " + std::to_string(params.min_p));
  LOKA_CHECK(params.repeat_penalty > 0.0f && std::isfinite(params.repeat_penalty),
             ErrorCode::kInvalidArgument,
             "sampler: repeat_penalty must be > 0, got " + std::to_string(params.repeat_penalty));
  LOKA_CHECK(std::isfinite(params.temperature) && std::isfinite(params.presence_penalty) &&
                 std::isfinite(params.frequency_penalty),
             ErrorCode::kInvalidArgument, "sampler: temperature and penalties must be finite");
}

void Sampler::reset() {
  history_.clear();
  rng_.seed(params_.seed);
}

void Sampler::accept(int32_t token) {
  history_.push_back(token);
  const int32_t n = params_.penalty_last_n;
  // Trim in batches so that accept() stays O(1) amortised.
  if (n >= 0 && history_.size() > 2 * static_cast<size_t>(n) + 64)
    history_.erase(history_.begin(), history_.end() - n);
}

double Sampler::uniform() { return static_cast<double>(rng_() >> 11) * 0x1.0p-53; }

std::vector<sampling::PenaltyCount> Sampler::window_counts() const {
  if (params_.penalty_last_n == 0) return {};
  const size_t n = params_.penalty_last_n < 0
                       ? history_.size()
                       : std::min(history_.size(), static_cast<size_t>(params_.penalty_last_n));
  return sampling::count_window(std::span<const int32_t>(history_).last(n));
}

SampleParams Sampler::next_params() {
  SampleParams p;
  p.temperature = params_.temperature;
  p.top_k = params_.top_k;
  p.top_p = params_.top_p;
  p.min_p = params_.min_p;
  p.repeat_penalty = params_.repeat_penalty;
  p.presence_penalty = params_.presence_penalty;
  p.frequency_penalty = params_.frequency_penalty;
  if (p.temperature > 0.0f) p.u = uniform();
  return p;
}

int32_t Sampler::sample(std::span<const float> logits) {
  LOKA_CHECK(!logits.empty(), ErrorCode::kInvalidArgument, "sampler: empty logits");
  const std::vector<sampling::PenaltyCount> counts = window_counts();
  return sampling::pick(logits, counts, next_params(), cands_);
}

int32_t Sampler::sample(const Tensor& logits, Backend* be) {
  LOKA_CHECK(logits.defined() && logits.dtype() == DType::kF32 && logits.numel() >= 1 &&
                 logits.is_contiguous(),
             ErrorCode::kInvalidArgument, "sampler: expected one contiguous f32 row of logits");
  if (logits.device().is_host()) {
    return sample({logits.data_as<const float>(), static_cast<size_t>(logits.numel())});
  }
  LOKA_CHECK(be != nullptr, ErrorCode::kInvalidArgument,
             "sampler: logits on " + logits.describe() + " without their backend");
  const SampleParams p = next_params();
  const std::vector<sampling::PenaltyCount> counts = window_counts();
  if (ops::device_can_sample(p)) return ops::sample_token(*be, logits, counts, p, device_ws_);
  host_row_.resize(static_cast<size_t>(logits.numel()));
  be->copy(logits, Tensor::borrow(DType::kF32, logits.shape(), host_row_.data(), nullptr));
  return sampling::pick(host_row_, counts, p, cands_);
}

}  // namespace loka

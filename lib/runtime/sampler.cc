// Token sampler: penalties, top-k, top-p, min-p, temperature and a seeded draw, in llama.cpp's default order.
#include "runtime/sampler.h"

#include <algorithm>
#include <cmath>
#include <unordered_map>

#include "core/error.h"

namespace loka {
namespace sampling {
namespace {

bool by_logit_desc(const Candidate& a, const Candidate& b) {
  return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
}

}  // namespace

void apply_penalties(std::vector<Candidate>& cands, std::span<const int32_t> window,
                     float repeat, float presence, float frequency) {
  if (window.empty() || (repeat == 1.0f && presence == 0.0f && frequency == 0.0f)) return;
  std::unordered_map<int32_t, int> counts;
  for (int32_t t : window) ++counts[t];
  for (Candidate& c : cands) {
    const auto it = counts.find(c.id);
    if (it == counts.end()) continue;
    // llama.cpp: the repetition penalty applies once per distinct token, not per occurrence.
    c.logit = c.logit > 0 ? c.logit / repeat : c.logit * repeat;
    c.logit -= static_cast<float>(it->second) * frequency + presence;
  }
}

void top_k(std::vector<Candidate>& cands, int32_t k) {
  if (k <= 0 || static_cast<size_t>(k) >= cands.size()) {
    std::sort(cands.begin(), cands.end(), by_logit_desc);
    return;
  }
  std::partial_sort(cands.begin(), cands.begin() + k, cands.end(), by_logit_desc);
  cands.resize(static_cast<size_t>(k));
}

void softmax(std::vector<Candidate>& cands) {
  if (cands.empty()) return;
  if (!std::is_sorted(cands.begin(), cands.end(), by_logit_desc))
    std::sort(cands.begin(), cands.end(), by_logit_desc);
  const double max_logit = cands.front().logit;
  // An infinite maximum (or all -inf) would give inf - inf = NaN: share the mass among the ties.
  auto weight = [&](const Candidate& c) {
    return std::isfinite(max_logit) ? std::exp(static_cast<double>(c.logit) - max_logit)
                                    : (c.logit == max_logit ? 1.0 : 0.0);
  };
  double sum = 0;
  for (const Candidate& c : cands) sum += weight(c);
  for (Candidate& c : cands) c.p = static_cast<float>(weight(c) / sum);
}

void top_p(std::vector<Candidate>& cands, float p) {
  if (p >= 1.0f || cands.empty()) return;
  softmax(cands);
  double cum = 0;
  size_t keep = cands.size();
  for (size_t i = 0; i < cands.size(); ++i) {
    cum += cands[i].p;
    if (cum >= p) {
      keep = i + 1;
      break;
    }
  }
  cands.resize(std::max<size_t>(keep, 1));
}

void min_p(std::vector<Candidate>& cands, float p) {
  if (p <= 0.0f || cands.empty()) return;
  softmax(cands);
  const double threshold = static_cast<double>(cands.front().p) * p;
  size_t keep = 1;
  while (keep < cands.size() && cands[keep].p >= threshold) ++keep;
  cands.resize(keep);
}

void temperature(std::vector<Candidate>& cands, float t) {
  for (Candidate& c : cands) c.logit /= t;
}

size_t draw(const std::vector<Candidate>& cands, double u) {
  double sum = 0;
  for (const Candidate& c : cands) sum += c.p;
  const double target = u * sum;
  double cum = 0;
  for (size_t i = 0; i < cands.size(); ++i) {
    cum += cands[i].p;
    if (target < cum) return i;
  }
  return cands.size() - 1;  // rounding: u close to 1
}

}  // namespace sampling

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

int32_t Sampler::sample(std::span<const float> logits) {
  LOKA_CHECK(!logits.empty(), ErrorCode::kInvalidArgument, "sampler: empty logits");
  cands_.resize(logits.size());
  for (size_t i = 0; i < logits.size(); ++i) {
    float l = logits[i];
    if (std::isnan(l)) l = -INFINITY;  // a NaN must never win or poison the softmax
    cands_[i] = {static_cast<int32_t>(i), l, 0.0f};
  }
  std::span<const int32_t> window;
  if (params_.penalty_last_n != 0) {
    const size_t n = params_.penalty_last_n < 0
                         ? history_.size()
                         : std::min(history_.size(), static_cast<size_t>(params_.penalty_last_n));
    window = std::span<const int32_t>(history_).last(n);
  }
  sampling::apply_penalties(cands_, window, params_.repeat_penalty, params_.presence_penalty,
                            params_.frequency_penalty);
  if (params_.temperature <= 0.0f) {
    const auto best = std::max_element(cands_.begin(), cands_.end(), [](const Candidate& a, const Candidate& b) {
      return a.logit < b.logit || (a.logit == b.logit && a.id > b.id);
    });
    return best->id;
  }
  sampling::top_k(cands_, params_.top_k);
  sampling::top_p(cands_, params_.top_p);
  sampling::min_p(cands_, params_.min_p);
  sampling::temperature(cands_, params_.temperature);
  sampling::softmax(cands_);
  return cands_[sampling::draw(cands_, uniform())].id;
}

}  // namespace loka

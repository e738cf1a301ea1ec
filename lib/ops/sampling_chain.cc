// The host sampling chain: penalties, top-k, top-p, min-p, temperature and the draw.
#include "ops/sampling_chain.h"

#include <algorithm>
#include <cmath>

namespace loka::sampling {
namespace {

bool by_logit_desc(const Candidate& a, const Candidate& b) {
  return a.logit > b.logit || (a.logit == b.logit && a.id < b.id);
}

}  // namespace

std::vector<PenaltyCount> count_window(std::span<const int32_t> window) {
  std::vector<int32_t> sorted(window.begin(), window.end());
  std::sort(sorted.begin(), sorted.end());
  std::vector<PenaltyCount> counts;
  for (int32_t id : sorted) {
    if (counts.empty() || counts.back().id != id) counts.push_back({id, 0});
    ++counts.back().count;
  }
  return counts;
}

void apply_penalties(std::vector<Candidate>& cands, std::span<const PenaltyCount> counts,
                     float repeat, float presence, float frequency) {
  if (repeat == 1.0f && presence == 0.0f && frequency == 0.0f) return;
  for (const PenaltyCount& pc : counts) {
    if (pc.id < 0 || static_cast<size_t>(pc.id) >= cands.size()) continue;
    Candidate& c = cands[static_cast<size_t>(pc.id)];
    c.logit = c.logit > 0 ? c.logit / repeat : c.logit * repeat;
    c.logit -= static_cast<float>(pc.count) * frequency + presence;
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

int32_t pick(std::span<const float> logits, std::span<const PenaltyCount> counts,
             const SampleParams& params, std::vector<Candidate>& cands) {
  cands.resize(logits.size());
  for (size_t i = 0; i < logits.size(); ++i) {
    float l = logits[i];
    if (std::isnan(l)) l = -INFINITY;  // a NaN must never win or poison the softmax
    cands[i] = {static_cast<int32_t>(i), l, 0.0f};
  }
  apply_penalties(cands, counts, params.repeat_penalty, params.presence_penalty,
                  params.frequency_penalty);
  if (params.temperature <= 0.0f) {
    const auto best = std::max_element(cands.begin(), cands.end(), [](const Candidate& a, const Candidate& b) {
      return a.logit < b.logit || (a.logit == b.logit && a.id > b.id);
    });
    return best->id;
  }
  top_k(cands, params.top_k);
  top_p(cands, params.top_p);
  min_p(cands, params.min_p);
  temperature(cands, params.temperature);
  softmax(cands);
  return cands[draw(cands, params.u)].id;
}

}  // namespace loka::sampling

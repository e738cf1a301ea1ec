// The sampling chain on the host, in llama.cpp's default order: penalties -> top-k -> top-p ->
// min-p -> temperature -> draw. The runtime's Sampler and the CPU sample kernel run it; device
// kernels follow it step by step (see ops/sample.h).
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "ops/op.h"

namespace loka::sampling {

/// One candidate token while the chain filters: its id, logit and (after softmax) probability.
struct Candidate {
  int32_t id;
  float logit;
  float p;
};

/// A token of the penalty window and how often it occurs there.
struct PenaltyCount {
  int32_t id;
  int32_t count;
};

/// The distinct tokens of `window` with their counts, by ascending id.
std::vector<PenaltyCount> count_window(std::span<const int32_t> window);

/// Candidates in id order (cands[i].id == i): each counted token's logit, when positive, is
/// divided by `repeat`, else multiplied by it (once per distinct token, as llama.cpp), then
/// count * frequency + presence is subtracted. Ids outside cands are ignored.
void apply_penalties(std::vector<Candidate>& cands, std::span<const PenaltyCount> counts,
                     float repeat, float presence, float frequency);
/// Keeps the k largest logits, sorted descending (ties: smaller id first); k <= 0 keeps all.
void top_k(std::vector<Candidate>& cands, int32_t k);
/// Sorts descending by logit and sets p (softmax in double, stored as float).
void softmax(std::vector<Candidate>& cands);
/// Keeps the smallest prefix whose probability sum reaches `p` (llama.cpp's rule).
void top_p(std::vector<Candidate>& cands, float p);
/// Keeps tokens whose probability is at least `p` times the largest.
void min_p(std::vector<Candidate>& cands, float p);
void temperature(std::vector<Candidate>& cands, float t);
/// Index into `cands` (probabilities from softmax) for a uniform draw u in [0, 1).
size_t draw(const std::vector<Candidate>& cands, double u);

/// The whole chain on one row of logits (a NaN counts as -inf): the argmax after the
/// penalties when params.temperature <= 0, else the token params.u draws. `cands` is
/// scratch space, reused between calls.
int32_t pick(std::span<const float> logits, std::span<const PenaltyCount> counts,
             const SampleParams& params, std::vector<Candidate>& cands);

}  // namespace loka::sampling

// Token sampler: penalties, top-k, top-p, min-p, temperature and a seeded draw, in llama.cpp's default order.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <vector>

namespace loka {

/// Sampling settings. The chain runs in llama.cpp's default order:
/// penalties -> top-k -> top-p -> min-p -> temperature -> draw. top-p and min-p
/// therefore see the probabilities at temperature 1; temperature <= 0 means greedy
/// (argmax after the penalties).
struct SamplerParams {
  float temperature = 0.8f;
  int32_t top_k = 40;            ///< <= 0: off
  float top_p = 0.95f;           ///< >= 1: off
  float min_p = 0.05f;           ///< <= 0: off
  float repeat_penalty = 1.0f;   ///< 1: off. logit > 0 divided by it, else multiplied
  float presence_penalty = 0.0f; ///< subtracted once from every token seen in the window
  float frequency_penalty = 0.0f;///< subtracted once per occurrence in the window
  int32_t penalty_last_n = 64;   ///< window of past tokens the penalties look at; < 0: all, 0: off
  uint64_t seed = 0;             ///< same seed, same tokens
};

/// One candidate token while the chain filters: its id, logit and (after softmax) probability.
struct Candidate {
  int32_t id;
  float logit;
  float p;
};

/// The chain's steps, exposed for tests; each keeps at least one candidate.
namespace sampling {
void apply_penalties(std::vector<Candidate>& cands, std::span<const int32_t> window,
                     float repeat, float presence, float frequency);
/// Keeps the k largest logits, sorted descending.
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
}  // namespace sampling

class Sampler {
 public:
  explicit Sampler(const SamplerParams& params = {});
  /// Picks the next token from `logits` (one per vocabulary entry).
  int32_t sample(std::span<const float> logits);
  /// Records a token (prompt or generated) for the penalties.
  void accept(int32_t token);
  /// Forgets the history; the random stream restarts from the seed.
  void reset();
  const SamplerParams& params() const { return params_; }

 private:
  /// Uniform double in [0, 1) from 53 random bits (std distributions differ across libraries).
  double uniform();

  SamplerParams params_;
  std::mt19937_64 rng_;
  std::vector<int32_t> history_;
  std::vector<Candidate> cands_;
};

}  // namespace loka

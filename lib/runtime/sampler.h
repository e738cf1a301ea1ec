// Token sampler: penalties, top-k, top-p, min-p, temperature and a seeded draw, in llama.cpp's default order.
#pragma once

#include <cstdint>
#include <random>
#include <span>
#include <vector>

#include "backend/backend.h"
#include "ops/sample.h"
#include "ops/sampling_chain.h"

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

using sampling::Candidate;

class Sampler {
 public:
  explicit Sampler(const SamplerParams& params = {});
  /// Picks the next token from `logits` (one per vocabulary entry).
  int32_t sample(std::span<const float> logits);
  /// The same from a row of logits in host memory, or on `be`'s device: there the chain
  /// runs on the device when the backend can (ops::device_can_sample) and only the id
  /// crosses; otherwise the row is copied to the host first.
  int32_t sample(const Tensor& logits, Backend* be);
  /// Records a token (prompt or generated) for the penalties.
  void accept(int32_t token);
  /// Forgets the history; the random stream restarts from the seed.
  void reset();
  const SamplerParams& params() const { return params_; }

 private:
  /// Uniform double in [0, 1) from 53 random bits (std distributions differ across libraries).
  double uniform();
  /// The op's parameters for the next token: the draw u taken here unless greedy.
  SampleParams next_params();
  std::vector<sampling::PenaltyCount> window_counts() const;

  SamplerParams params_;
  std::mt19937_64 rng_;
  std::vector<int32_t> history_;
  std::vector<Candidate> cands_;
  std::vector<float> host_row_;
  ops::SampleWorkspace device_ws_;
};

}  // namespace loka

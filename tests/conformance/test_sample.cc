// Conformance of the sample op: every backend picks the token the host sampling chain
// (sampling::pick, itself tested against float64 in tests/runtime/test_sampler.cc) picks, for
// greedy and sampled chains, with penalties, NaN, infinities, signed zeros and ties in the row.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>
#include <vector>

#include "conformance/conformance.h"
#include "core/error.h"
#include "ops/sample.h"

using namespace loka;
using namespace loka::test;

namespace {

// Logits with the awkward values a model can produce: repeated values (ties), zeros of both
// signs, NaN, +-inf where asked for.
std::vector<float> awkward_row(int64_t V, uint64_t seed, bool with_inf) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 3.0f);
  std::vector<float> row(static_cast<size_t>(V));
  for (auto& v : row) v = normal(rng);
  for (int64_t i = 0; i < V; i += 7) row[i] = std::round(row[i]);  // ties
  if (V > 10) {
    row[3] = 0.0f;
    row[4] = -0.0f;
    row[5] = NAN;
    row[V - 1] = row[V / 2];
  }
  if (with_inf && V > 10) {
    row[6] = -INFINITY;
    row[V / 3] = INFINITY;
  }
  return row;
}

std::vector<sampling::PenaltyCount> random_counts(int64_t V, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<int32_t> window(64);
  for (auto& t : window) t = static_cast<int32_t>(rng() % static_cast<uint64_t>(std::min<int64_t>(V, 200)));
  return sampling::count_window(window);
}

}  // namespace

TEST_CASE("conformance: sample picks the host chain's token", "[conformance][sample]") {
  struct Chain {
    const char* name;
    SampleParams p;
  };
  const std::vector<Chain> chains = {
      {"greedy", {0.0f, 0, 1.0f, 0.0f, 1.0f, 0.0f, 0.0f, 0.0}},
      {"greedy+penalties", {0.0f, 0, 1.0f, 0.0f, 1.3f, 0.4f, 0.2f, 0.0}},
      {"top_k=1", {0.8f, 1, 1.0f, 0.0f, 1.0f, 0.0f, 0.0f, 0.0}},
      {"llama.cpp defaults", {0.8f, 40, 0.95f, 0.05f, 1.1f, 0.0f, 0.0f, 0.0}},
      {"hot, wide", {1.7f, 1024, 0.99f, 0.0f, 1.0f, 0.5f, 0.1f, 0.0}},
      {"top_k only", {1.0f, 300, 1.0f, 0.0f, 1.0f, 0.0f, 0.0f, 0.0}},
      {"min_p only", {0.6f, 1000, 1.0f, 0.2f, 1.0f, 0.0f, 0.0f, 0.0}},
  };
  const std::vector<double> draws = {0.0, 0.1, 0.5, 0.77, 0.999999};
  uint64_t seed = 7000;
  for (auto& be : conformance_backends()) {
    for (int64_t V : {1, 5, 1000, 50021}) {
      for (bool with_inf : {false, true}) {
        const std::vector<float> row = awkward_row(V, ++seed, with_inf);
        const std::vector<sampling::PenaltyCount> counts = random_counts(V, ++seed);
        const Tensor logits = to_backend(*be, Tensor::borrow(DType::kF32, {1, V}, row.data(), nullptr));
        ops::SampleWorkspace ws;
        std::vector<sampling::Candidate> scratch;
        for (const Chain& c : chains) {
          for (double u : draws) {
            SampleParams p = c.p;
            p.u = u;
            const int32_t want = sampling::pick(row, counts, p, scratch);
            INFO(be->name() << ", V = " << V << (with_inf ? " with inf" : "") << ", " << c.name
                            << ", u = " << u);
            CHECK(ops::sample_token(*be, logits, counts, p, ws) == want);
          }
        }
      }
    }
  }
}

TEST_CASE("sample: bad arguments name what is wrong", "[conformance][sample]") {
  for (auto& be : conformance_backends()) {
    const std::vector<float> row = {1.0f, 2.0f, 3.0f};
    const Tensor logits = to_backend(*be, Tensor::borrow(DType::kF32, {3}, row.data(), nullptr));
    ops::SampleWorkspace ws;
    SampleParams p;
    p.u = 1.0;
    CHECK_THROWS_WITH(ops::sample_token(*be, logits, {}, p, ws), Catch::Contains("outside [0, 1)"));
    p.u = 0.5;
    const std::vector<sampling::PenaltyCount> out_of_range = {{3, 1}};
    CHECK_THROWS_WITH(ops::sample_token(*be, logits, out_of_range, p, ws),
                      Catch::Contains("penalty entry 0 (id 3"));
    const std::vector<sampling::PenaltyCount> unsorted = {{2, 1}, {1, 1}};
    CHECK_THROWS_WITH(ops::sample_token(*be, logits, unsorted, p, ws), Catch::Contains("penalty entry 1"));
    if (!be->device().is_host()) {
      p.temperature = 1.0f;
      p.top_k = 0;  // the whole vocabulary: the host's job
      CHECK_FALSE(ops::device_can_sample(p));
      CHECK_THROWS_AS(ops::sample_token(*be, logits, {}, p, ws), Error);
    }
  }
}

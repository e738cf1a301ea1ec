// Sampler tests: each filter against a direct double-precision computation, sampled frequencies, determinism.
#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <vector>

#include <catch2/catch.hpp>

#include "core/error.h"
#include "runtime/sampler.h"

using namespace loka;

namespace {

std::vector<Candidate> make(const std::vector<float>& logits) {
  std::vector<Candidate> c;
  for (size_t i = 0; i < logits.size(); ++i) c.push_back({static_cast<int32_t>(i), logits[i], 0});
  return c;
}

std::vector<double> softmax_d(const std::vector<double>& l) {
  const double m = *std::max_element(l.begin(), l.end());
  std::vector<double> p(l.size());
  double s = 0;
  for (size_t i = 0; i < l.size(); ++i) s += p[i] = std::exp(l[i] - m);
  for (double& x : p) x /= s;
  return p;
}

std::vector<int32_t> ids(const std::vector<Candidate>& c) {
  std::vector<int32_t> r;
  for (const auto& x : c) r.push_back(x.id);
  std::sort(r.begin(), r.end());
  return r;
}

// Pearson chi-square of `counts` against `probs` (zero-probability ids must never appear).
double chi_square(const std::map<int32_t, int>& counts, const std::vector<double>& probs, int n) {
  double chi = 0;
  for (const auto& [id, k] : counts) REQUIRE(probs.at(id) > 0);
  for (size_t i = 0; i < probs.size(); ++i) {
    if (probs[i] == 0) continue;
    const double e = probs[i] * n;
    const auto it = counts.find(static_cast<int32_t>(i));
    const double o = it == counts.end() ? 0 : it->second;
    chi += (o - e) * (o - e) / e;
  }
  return chi;
}

const std::vector<float> kLogits = {1.0f, 2.5f, -0.5f, 0.3f, 2.0f, -3.0f, 1.7f, 0.0f};

}  // namespace

TEST_CASE("sampler: penalties follow llama.cpp / OpenAI definitions", "[sampler]") {
  auto c = make({2.0f, -1.0f, 0.5f, 3.0f});
  const std::vector<int32_t> window = {0, 1, 0, 0};
  sampling::apply_penalties(c, sampling::count_window(window), 2.0f, 0.25f, 0.5f);
  CHECK(c[0].logit == Approx(2.0 / 2.0 - 3 * 0.5 - 0.25));
  CHECK(c[1].logit == Approx(-1.0 * 2.0 - 1 * 0.5 - 0.25));
  CHECK(c[2].logit == Approx(0.5));
  CHECK(c[3].logit == Approx(3.0));
}

TEST_CASE("sampler: top-k keeps the k largest", "[sampler]") {
  auto c = make(kLogits);
  sampling::top_k(c, 3);
  CHECK(ids(c) == std::vector<int32_t>{1, 4, 6});
  auto all = make(kLogits);
  sampling::top_k(all, 0);
  CHECK(all.size() == kLogits.size());
}

TEST_CASE("sampler: softmax, top-p and min-p match double precision", "[sampler]") {
  std::vector<double> ld(kLogits.begin(), kLogits.end());
  const std::vector<double> p = softmax_d(ld);
  auto c = make(kLogits);
  sampling::softmax(c);
  for (const auto& x : c) CHECK(x.p == Approx(p[x.id]).epsilon(1e-6));

  std::vector<size_t> order(p.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return p[a] > p[b]; });
  for (float top : {0.3f, 0.5f, 0.8f, 0.95f, 0.999f}) {
    std::vector<int32_t> expect;
    double cum = 0;
    for (size_t i : order) {
      expect.push_back(static_cast<int32_t>(i));
      cum += p[i];
      if (cum >= top) break;
    }
    std::sort(expect.begin(), expect.end());
    auto t = make(kLogits);
    sampling::top_p(t, top);
    CHECK(ids(t) == expect);
  }
  for (float mp : {0.05f, 0.2f, 0.5f, 0.9f}) {
    std::vector<int32_t> expect;
    const double pmax = *std::max_element(p.begin(), p.end());
    for (size_t i = 0; i < p.size(); ++i)
      if (p[i] >= mp * pmax) expect.push_back(static_cast<int32_t>(i));
    auto t = make(kLogits);
    sampling::min_p(t, mp);
    CHECK(ids(t) == expect);
  }
}

TEST_CASE("sampler: temperature sampling frequencies match the distribution", "[sampler]") {
  SamplerParams sp;
  sp.temperature = 0.7f;
  sp.top_k = 0;
  sp.top_p = 1.0f;
  sp.min_p = 0.0f;
  sp.seed = 1234;
  Sampler s(sp);
  std::vector<double> ld;
  for (float l : kLogits) ld.push_back(l / 0.7);
  const std::vector<double> p = softmax_d(ld);
  const int n = 20000;
  std::map<int32_t, int> counts;
  for (int i = 0; i < n; ++i) ++counts[s.sample(kLogits)];
  // 7 degrees of freedom: 24.3 is the 0.1% critical value.
  CHECK(chi_square(counts, p, n) < 24.3);
}

TEST_CASE("sampler: full chain frequencies match a double-precision chain", "[sampler]") {
  SamplerParams sp;
  sp.temperature = 1.5f;
  sp.top_k = 5;
  sp.top_p = 0.9f;
  sp.min_p = 0.1f;
  sp.repeat_penalty = 1.3f;
  sp.presence_penalty = 0.2f;
  sp.frequency_penalty = 0.1f;
  sp.penalty_last_n = 3;
  sp.seed = 99;
  Sampler s(sp);
  for (int32_t t : {4, 1, 1, 6, 1}) s.accept(t);  // window: {1, 6, 1}

  std::vector<double> l(kLogits.begin(), kLogits.end());
  l[1] = l[1] / 1.3 - 2 * 0.1 - 0.2;
  l[6] = l[6] / 1.3 - 1 * 0.1 - 0.2;
  std::vector<size_t> order(l.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return l[a] > l[b]; });
  order.resize(5);  // top-k
  std::vector<double> kept;
  for (size_t i : order) kept.push_back(l[i]);
  std::vector<double> p = softmax_d(kept);
  size_t keep = p.size();
  double cum = 0;
  for (size_t i = 0; i < p.size(); ++i) {
    cum += p[i];
    if (cum >= 0.9) { keep = i + 1; break; }
  }
  order.resize(keep);
  kept.resize(keep);
  p = softmax_d(kept);
  size_t keep2 = 0;
  while (keep2 < p.size() && p[keep2] >= 0.1 * p[0]) ++keep2;
  order.resize(keep2);
  kept.resize(keep2);
  for (double& x : kept) x /= 1.5;
  p = softmax_d(kept);
  std::vector<double> full(kLogits.size(), 0.0);
  for (size_t i = 0; i < order.size(); ++i) full[order[i]] = p[i];
  REQUIRE(order.size() >= 2);  // the test must exercise a real draw

  const int n = 20000;
  std::map<int32_t, int> counts;
  for (int i = 0; i < n; ++i) ++counts[s.sample(kLogits)];
  // At most 4 degrees of freedom here: 18.5 is the 0.1% critical value.
  CHECK(chi_square(counts, full, n) < 18.5);
}

TEST_CASE("sampler: greedy, determinism by seed, reset", "[sampler]") {
  SamplerParams g;
  g.temperature = 0;
  CHECK(Sampler(g).sample(kLogits) == 1);
  g.repeat_penalty = 10.0f;
  Sampler pen(g);
  pen.accept(1);
  CHECK(pen.sample(kLogits) == 4);

  SamplerParams sp;
  sp.seed = 42;
  Sampler a(sp), b(sp);
  std::vector<int32_t> ra, rb;
  for (int i = 0; i < 200; ++i) {
    ra.push_back(a.sample(kLogits));
    rb.push_back(b.sample(kLogits));
  }
  CHECK(ra == rb);
  a.reset();
  std::vector<int32_t> again;
  for (int i = 0; i < 200; ++i) again.push_back(a.sample(kLogits));
  CHECK(again == ra);
  sp.seed = 43;
  Sampler c(sp);
  std::vector<int32_t> rc;
  for (int i = 0; i < 200; ++i) rc.push_back(c.sample(kLogits));
  CHECK(rc != ra);
}

TEST_CASE("sampler: bad parameters and non-finite logits", "[sampler]") {
  SamplerParams sp;
  sp.top_p = 0.0f;
  CHECK_THROWS_AS(Sampler(sp), Error);
  sp = {};
  sp.repeat_penalty = 0.0f;
  CHECK_THROWS_AS(Sampler(sp), Error);
  sp = {};
  sp.temperature = NAN;
  CHECK_THROWS_AS(Sampler(sp), Error);
  Sampler s;
  CHECK_THROWS_AS(s.sample({}), Error);
  const std::vector<float> weird = {NAN, -INFINITY, INFINITY, 1.0f};
  for (int i = 0; i < 20; ++i) CHECK(s.sample(weird) == 2);
  const std::vector<float> none = {-INFINITY, -INFINITY};
  const int32_t t = s.sample(none);
  CHECK((t == 0 || t == 1));
}

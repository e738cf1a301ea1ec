// Conformance of top_k: exact values and indices against a float64 stable
// sort (descending, ties by smaller index, NaN first).
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "conformance/conformance.h"
#include "conformance/reference_ops2.h"
#include "ops/top_k.h"

using namespace loka;
using namespace loka::test;

namespace {

/// top_k of `values` rounded to dt, against the reference on the rounded values.
void check_top_k(Backend& be, const std::string& name, DType dt, const std::vector<double>& values,
                 const Shape& s, int64_t k) {
  const int64_t n = s[s.size() - 1];
  Tensor input = to_backend(be, tensor_from(dt, s, values));
  const std::vector<double> x = to_f64(be, input);
  std::vector<double> want_values, want_indices;
  for (size_t r = 0; r < x.size() / n; ++r) {
    std::vector<double> row(x.begin() + r * n, x.begin() + (r + 1) * n);
    for (int32_t i : ref_top_k(row, k)) {
      want_indices.push_back(i);
      want_values.push_back(row[i]);
    }
  }
  ops::TopK got = ops::top_k(be, input, k);
  Shape want_shape = s;
  want_shape[s.size() - 1] = k;
  REQUIRE(got.values.shape() == want_shape);
  REQUIRE(got.indices.shape() == want_shape);
  REQUIRE(got.values.dtype() == dt);
  REQUIRE(got.indices.dtype() == DType::kI32);
  expect_close("top_k", name, dt, be, to_f64(be, got.values), want_values, Tolerance{0.0});
  expect_close("top_k_index", name, dt, be, to_f64(be, got.indices), want_indices,
               Tolerance{0.0});
}

}  // namespace

TEST_CASE("conformance: top_k", "[conformance][top_k]") {
  // bf16 and f16 rows of thousands of values in [-1, 1) hold many ties.
  const std::vector<Shape> shapes = {{1}, {7}, {3, 129}, {2, 4099}, {1, 151936}};
  for (auto& be : conformance_backends()) {
    for (DType dt : {DType::kF32, DType::kF16, DType::kBF16}) {
      for (const Shape& s : shapes) {
        const int64_t n = s[s.size() - 1];
        const auto x = to_f64(*be, random_tensor(dt, s, 51, -1, 1));
        for (int64_t k : {int64_t{1}, int64_t{5}, int64_t{100}, n}) {
          if (k > n || (k == n && n > 5000)) continue;
          check_top_k(*be, s.str() + " k=" + std::to_string(k), dt, x, s, k);
        }
      }
    }
  }
}

TEST_CASE("top_k: ties, NaN, infinities, ascending rows", "[top_k]") {
  auto be = conformance_backends().front();
  std::vector<double> ascending(5000);
  for (size_t i = 0; i < ascending.size(); ++i) ascending[i] = i % 2000;  // every value twice+
  std::vector<double> ties(300, 0.5);
  ties[7] = NAN;
  ties[250] = INFINITY;
  ties[3] = -INFINITY;
  for (DType dt : {DType::kF32, DType::kBF16}) {
    check_top_k(*be, "ascending", dt, ascending, {5000}, 50);
    check_top_k(*be, "ties", dt, ties, {300}, 10);
    check_top_k(*be, "ties all", dt, ties, {300}, 300);
    check_top_k(*be, "fixed", dt, {2, NAN, 9, 9, -1, NAN}, {2, 3}, 2);
  }
  // The expected order spelled out, independent of the reference.
  ops::TopK r = ops::top_k(*be, tensor_from(DType::kF32, {6}, {1, 3, NAN, 3, -INFINITY, 7}), 4);
  CHECK(to_f64(*be, r.indices) == std::vector<double>{2, 5, 1, 3});
}

TEST_CASE("top_k: random rows full of ties and NaNs", "[top_k]") {
  auto be = conformance_backends().front();
  std::mt19937_64 rng(77);
  for (int c = 0; c < 40; ++c) {
    const int64_t n = std::uniform_int_distribution<int64_t>(1, 3000)(rng);
    const int64_t k = std::uniform_int_distribution<int64_t>(1, std::min<int64_t>(n, 120))(rng);
    std::uniform_int_distribution<int> level(-20, 20);
    std::vector<double> row(static_cast<size_t>(n));
    for (double& v : row) v = level(rng) == 20 ? NAN : level(rng) / 4.0;
    check_top_k(*be, "random ties n=" + std::to_string(n) + " k=" + std::to_string(k),
                DType::kF32, row, {n}, k);
  }
}

TEST_CASE("top_k rejects bad k and inputs", "[top_k]") {
  auto be = conformance_backends().front();
  Tensor x = Tensor::zeros(DType::kF32, {2, 10});
  REQUIRE_THROWS_WITH(ops::top_k(*be, x, 0), Catch::Contains("k = 0 is out of range [1, 10]"));
  REQUIRE_THROWS_WITH(ops::top_k(*be, x, 11), Catch::Contains("k = 11 is out of range"));
  REQUIRE_THROWS_WITH(ops::top_k(*be, x, -3), Catch::Contains("out of range"));
  REQUIRE_THROWS_WITH(ops::top_k(*be, Tensor::zeros(DType::kF32, {2, 0}), 1),
                      Catch::Contains("out of range [1, 0]"));
  REQUIRE_THROWS_WITH(ops::top_k(*be, Tensor::zeros(DType::kI8, {4}), 1),
                      Catch::Contains("dtype i8"));
  REQUIRE_THROWS_WITH(ops::top_k(*be, x.transpose(0, 1), 1), Catch::Contains("not contiguous"));
}

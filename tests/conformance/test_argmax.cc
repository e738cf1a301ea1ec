// Conformance of argmax: exact indices against a float64 reference that also
// breaks ties by the smallest index and ranks NaN first.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "conformance/conformance.h"
#include "conformance/reference_ops2.h"
#include "ops/argmax.h"

using namespace loka;
using namespace loka::test;

namespace {

std::vector<double> reference_argmax(const std::vector<double>& x, int64_t n) {
  std::vector<double> out;
  for (size_t r = 0; r < x.size() / n; ++r) {
    std::vector<double> row(x.begin() + r * n, x.begin() + (r + 1) * n);
    out.push_back(ref_top_k(row, 1)[0]);
  }
  return out;
}

}  // namespace

TEST_CASE("conformance: argmax", "[conformance][argmax]") {
  // bf16 and f16 rows of thousands of values in [-1, 1) hold many ties.
  const std::vector<Shape> shapes = {{1}, {7}, {3, 129}, {2, 4099}, {1, 151936}, {2, 3, 1000}};
  for (auto& be : conformance_backends()) {
    for (DType dt : {DType::kF32, DType::kF16, DType::kBF16}) {
      for (const Shape& s : shapes) {
        Tensor x = random_tensor(dt, s, 41, -1, 1);
        const int64_t n = s[s.size() - 1];
        const auto want = reference_argmax(to_f64(*be, x), n);
        Tensor got = ops::argmax(*be, to_backend(*be, x));
        REQUIRE(got.dtype() == DType::kI32);
        REQUIRE(got.numel() == shape_numel(s) / n);
        REQUIRE(got.ndim() == s.size() - 1);
        expect_close("argmax", s.str(), dt, *be, to_f64(*be, got), want, Tolerance{0.0});
      }
    }
  }
}

TEST_CASE("argmax: ties, NaN, infinities, maximum in the last chunk", "[argmax]") {
  auto be = conformance_backends().front();
  struct Row {
    std::vector<double> values;
    int32_t want;
  };
  std::vector<double> late(3000, -5.0);
  late[2999] = -4.0;
  std::vector<double> nan_late(3000, 1.0);
  nan_late[2500] = NAN;
  nan_late[2600] = NAN;
  const std::vector<Row> rows = {
      {{1, 3, 3, 2}, 1},
      {{-INFINITY, -INFINITY}, 0},
      {{-1, NAN, 5, NAN}, 1},
      {{INFINITY, 1, INFINITY}, 0},
      {{-0.0, 0.0}, 0},  // -0 == +0: a tie
      {late, 2999},
      {nan_late, 2500},
  };
  for (DType dt : {DType::kF32, DType::kF16, DType::kBF16}) {
    for (const Row& r : rows) {
      const int64_t n = static_cast<int64_t>(r.values.size());
      Tensor x = to_backend(*be, tensor_from(dt, {n}, r.values));
      INFO(dtype_name(dt) << " row of " << n << ", expected " << r.want);
      CHECK(to_f64(*be, ops::argmax(*be, x))[0] == r.want);
      CHECK(ref_top_k(r.values, 1)[0] == r.want);  // the reference agrees
    }
  }
}

TEST_CASE("argmax: random rows full of ties, some with NaNs", "[argmax]") {
  auto be = conformance_backends().front();
  std::mt19937_64 rng(78);
  for (int c = 0; c < 40; ++c) {
    const int64_t n = std::uniform_int_distribution<int64_t>(1, 5000)(rng);
    std::uniform_int_distribution<int> level(-30, 30);
    const bool with_nan = c % 2 == 1;
    std::vector<double> row(static_cast<size_t>(n));
    for (double& v : row) v = with_nan && level(rng) == 30 ? NAN : level(rng) / 8.0;
    Tensor x = to_backend(*be, tensor_from(DType::kBF16, {n}, row));
    INFO("row of " << n << (with_nan ? " with NaNs" : ""));
    CHECK(to_f64(*be, ops::argmax(*be, x))[0] == ref_top_k(row, 1)[0]);
  }
}

TEST_CASE("argmax rejects bad arguments", "[argmax]") {
  auto be = conformance_backends().front();
  REQUIRE_THROWS_WITH(ops::argmax(*be, Tensor::zeros(DType::kF32, {3, 0})),
                      Catch::Contains("last dimension"));
  REQUIRE_THROWS_WITH(ops::argmax(*be, Tensor::zeros(DType::kI32, {3})),
                      Catch::Contains("dtype i32"));
  REQUIRE_THROWS_WITH(ops::argmax(*be, Tensor::zeros(DType::kF32, {})), Catch::Contains("rank"));
  REQUIRE_THROWS_WITH(ops::argmax(*be, Tensor()), Catch::Contains("empty tensor"));
}

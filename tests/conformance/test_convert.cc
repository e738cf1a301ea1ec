// Conformance of convert: every float pair and i32/i8 <-> f32, exact against a
// float64 rounding reference, with ties, subnormals, overflow, NaN and Inf.
#include <catch2/catch.hpp>
#include <cmath>
#include <limits>
#include <random>

#include "conformance/conformance.h"
#include "conformance/reference_ops2.h"
#include "ops/convert.h"

using namespace loka;
using namespace loka::test;

namespace {

const std::vector<DType> kFloats = {DType::kF32, DType::kF16, DType::kBF16, DType::kF64};
const std::vector<int64_t> kSizes = {1, 7, 129, 4099};

/// n values exactly representable in `from`: special values first, then
/// random magnitudes from the subnormal range of `to` to beyond its overflow,
/// and exact halfway points between neighbours of `to` (where `from` can hold them).
std::vector<double> float_inputs(DType from, DType to, int64_t n, uint64_t seed) {
  std::vector<double> v = {0.0,    -0.0,     1.0,      -1.5,     NAN,     INFINITY, -INFINITY,
                           65504., 65519.99, 65520.,   -70000.,  1e-8,    6e-8,     2.9e-8,
                           3e38,   3.4e38,   -1.2e-38, 1.1e-40,  1e-45,   1.0 + 1.0 / 512,
                           1.0 + 3.0 / 512,  1.0 + 1.0 / 4096, 1.0 + 1.0 / 16777216.0};
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> mant(1.0, 2.0);
  // Exponents from below the smallest subnormal of `to` to past its overflow.
  std::uniform_int_distribution<int> expo(to == DType::kF16 ? -26 : -150,
                                          to == DType::kF16 ? 16 : 128);
  std::uniform_int_distribution<int> coin(0, 1);
  while (static_cast<int64_t>(v.size()) < n) {
    const double sign = coin(rng) ? 1.0 : -1.0;
    double x = sign * std::ldexp(mant(rng), expo(rng));
    // Every third value a tie (a value of `to` plus half its spacing), every
    // third a near tie off by 2^-20 of the spacing: f64 -> f32 -> bf16 would
    // round that to the tie first, then to even, the wrong way half the time.
    const double y = ref_round(x, to);
    if (v.size() % 3 != 2 && std::isfinite(y) && y != 0) {
      int e2 = 0;
      std::frexp(y, &e2);
      const int bits = to == DType::kF16 ? 11 : to == DType::kBF16 ? 8 : 24;
      const double half = std::ldexp(1.0, e2 - 1 - bits);
      x = y + half + (v.size() % 3 == 1 ? sign * std::ldexp(half, -20) : 0.0);
    }
    v.push_back(x);
  }
  v.resize(static_cast<size_t>(n));
  for (double& x : v) x = ref_round(x, from);
  return v;
}

void check_exact(Backend& be, const std::string& name, DType to, const std::vector<double>& got,
                 const std::vector<double>& want) {
  expect_close("convert", name, to, be, got, want, Tolerance{0.0});
  if (!dtype_info(to).is_float) return;
  for (size_t i = 0; i < got.size() && i < want.size(); ++i) {
    if (std::isnan(want[i]) || want[i] != 0) continue;
    INFO(name << " element " << i << ": sign of zero");
    CHECK(std::signbit(got[i]) == std::signbit(want[i]));
  }
}

}  // namespace

TEST_CASE("conformance: convert between float dtypes", "[conformance][convert]") {
  for (auto& be : conformance_backends()) {
    for (DType from : kFloats) {
      for (DType to : kFloats) {
        for (int64_t n : kSizes) {
          const auto in = float_inputs(from, to, n, static_cast<uint64_t>(n) * 31 + 7);
          std::vector<double> want(in.size());
          for (size_t i = 0; i < in.size(); ++i) want[i] = ref_round(in[i], to);
          Tensor x = to_backend(*be, tensor_from(from, {n}, in));
          Tensor y = ops::convert(*be, x, to);
          REQUIRE(y.dtype() == to);
          REQUIRE(y.shape() == Shape{n});
          const std::string name = std::string(dtype_name(from)) + "->" +
                                   std::string(dtype_name(to)) + " n=" + std::to_string(n);
          check_exact(*be, name, to, to_f64(*be, y), want);
        }
      }
    }
  }
}

TEST_CASE("conformance: convert between f32 and integers", "[conformance][convert]") {
  for (auto& be : conformance_backends()) {
    // int -> f32: i32 rounds to nearest even above 2^24.
    std::vector<double> ints = {0, 1, -1, 16777217, -16777219, 2147483647, -2147483648.0,
                                123456789, 33554435};
    std::mt19937_64 rng(5);
    std::uniform_int_distribution<int32_t> any;
    while (ints.size() < 129) ints.push_back(any(rng));
    std::vector<double> want(ints.size());
    for (size_t i = 0; i < ints.size(); ++i) want[i] = ref_round(ints[i], DType::kF32);
    Tensor i32 = to_backend(*be, tensor_from(DType::kI32, {129}, ints));
    check_exact(*be, "i32->f32", DType::kF32, to_f64(*be, ops::convert(*be, i32, DType::kF32)),
                want);
    std::vector<double> bytes;
    for (int b = -128; b < 128; ++b) bytes.push_back(b);
    Tensor i8 = to_backend(*be, tensor_from(DType::kI8, {256}, bytes));
    check_exact(*be, "i8->f32", DType::kF32, to_f64(*be, ops::convert(*be, i8, DType::kF32)),
                bytes);

    // f32 -> int: nearest, ties to even, saturating; NaN -> 0.
    std::vector<double> fl = {0.5,  1.5,  2.5,   -0.5,  -2.5,     126.5,     127.5,  -128.5,
                              -129, 1e10, -1e10, NAN,   INFINITY, -INFINITY, 2147483520.0,
                              2147483648.0, -2147483648.0, -2147483904.0, 8388609.5};
    std::uniform_real_distribution<double> wide(-3e9, 3e9), narrow(-200, 200);
    for (int i = 0; fl.size() < 4099; ++i) fl.push_back(i % 2 ? wide(rng) : narrow(rng));
    for (double& x : fl) x = ref_round(x, DType::kF32);
    Tensor f = to_backend(*be, tensor_from(DType::kF32, {4099}, fl));
    for (DType to : {DType::kI32, DType::kI8}) {
      const double lo = to == DType::kI32 ? -2147483648.0 : -128.0;
      const double hi = to == DType::kI32 ? 2147483647.0 : 127.0;
      std::vector<double> expect(fl.size());
      for (size_t i = 0; i < fl.size(); ++i) {
        expect[i] = std::isnan(fl[i]) ? 0.0 : std::clamp(std::nearbyint(fl[i]), lo, hi);
      }
      Tensor y = ops::convert(*be, f, to);
      REQUIRE(y.dtype() == to);
      check_exact(*be, std::string("f32->") + std::string(dtype_name(to)), to, to_f64(*be, y),
                  expect);
    }
  }
}

TEST_CASE("convert rejects undefined pairs and bad outputs", "[convert]") {
  auto be = conformance_backends().front();
  Tensor i = Tensor::zeros(DType::kI32, {4});
  REQUIRE_THROWS_WITH(ops::convert(*be, i, DType::kF16), Catch::Contains("i32 -> f16"));
  Tensor x = Tensor::zeros(DType::kF32, {4});
  REQUIRE_THROWS_WITH(ops::convert(*be, x, DType::kQ8_0), Catch::Contains("not defined"));
  REQUIRE_THROWS_WITH(ops::convert(*be, x, DType::kCount), Catch::Contains("not a dtype"));
  Tensor wrong = Tensor::zeros(DType::kF16, {5});
  REQUIRE_THROWS_WITH(ops::convert(*be, x, DType::kF16, &wrong), Catch::Contains("output"));
  Tensor t = Tensor::zeros(DType::kF32, {4, 3}).transpose(0, 1);
  REQUIRE_THROWS_WITH(ops::convert(*be, t, DType::kF16), Catch::Contains("not contiguous"));
  Tensor good = Tensor::zeros(DType::kBF16, {4});
  REQUIRE(ops::convert(*be, x, DType::kBF16, &good).data() == good.data());
}

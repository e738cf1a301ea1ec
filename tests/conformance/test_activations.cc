// Conformance of swiglu and gelu (erf and tanh forms) against float64.
#include <catch2/catch.hpp>
#include <cmath>

#include "conformance/conformance.h"
#include "ops/activations.h"

using namespace loka;
using namespace loka::test;

namespace {

const std::vector<Shape> kShapes = {{1}, {7}, {3, 129}, {2, 4099}};
const std::vector<DType> kTypes = {DType::kF32, DType::kF16, DType::kBF16};

double silu(double x) { return x / (1.0 + std::exp(-x)); }
double gelu_erf(double x) { return 0.5 * x * (1.0 + std::erf(x / std::sqrt(2.0))); }
double gelu_tanh(double x) {
  const double c = std::sqrt(2.0 / M_PI);
  return 0.5 * x * (1.0 + std::tanh(c * (x + 0.044715 * x * x * x)));
}

}  // namespace

TEST_CASE("conformance: swiglu", "[conformance][swiglu]") {
  for (auto& be : conformance_backends()) {
    for (DType dt : kTypes) {
      for (const Shape& s : kShapes) {
        // Ranges that reach both tails of silu: e^-x under- and overflows near +-90.
        // (Not for a single element: silu(-20) * u underflows f16, and with no
        // other element to set the scale, that is a relative error of 1.)
        for (double range : {6.0, 100.0}) {
          if (range > 6 && shape_numel(s) == 1) continue;
          Tensor g = random_tensor(dt, s, 11, -range, range), u = random_tensor(dt, s, 12, -2, 2);
          const auto gv = to_f64(*be, g), uv = to_f64(*be, u);
          std::vector<double> want(gv.size());
          for (size_t i = 0; i < gv.size(); ++i) want[i] = silu(gv[i]) * uv[i];
          Tensor got = ops::swiglu(*be, to_backend(*be, g), to_backend(*be, u));
          REQUIRE(got.dtype() == dt);
          REQUIRE(got.shape() == s);
          expect_close("swiglu", s.str() + " range " + std::to_string(range), dt, *be,
                       to_f64(*be, got), want, tolerance_for(dt));
        }
      }
    }
  }
}

TEST_CASE("conformance: swiglu with mixed dtypes and a given output", "[conformance][swiglu]") {
  for (auto& be : conformance_backends()) {
    Tensor g = random_tensor(DType::kBF16, {5, 33}, 3, -4, 4);
    Tensor u = random_tensor(DType::kF32, {5, 33}, 4);
    const auto gv = to_f64(*be, g), uv = to_f64(*be, u);
    std::vector<double> want(gv.size());
    for (size_t i = 0; i < gv.size(); ++i) want[i] = silu(gv[i]) * uv[i];
    Tensor out = be->alloc(DType::kF32, {5, 33});
    Tensor got = ops::swiglu(*be, to_backend(*be, g), to_backend(*be, u), &out);
    REQUIRE(got.data() == out.data());
    expect_close("swiglu", "bf16 gate, f32 up -> f32", DType::kF32, *be, to_f64(*be, got), want,
                 tolerance_for(DType::kF32));
  }
}

TEST_CASE("conformance: swiglu of f32 into a 16-bit output", "[conformance][swiglu]") {
  // As in a 16-bit model's forward pass on a device: f32 gate and up (GEMM outputs), the
  // product in the down GEMM's dtype, which must be the f32 product rounded once.
  for (auto& be : conformance_backends()) {
    for (DType ot : {DType::kBF16, DType::kF16}) {
      for (const Shape& s : std::vector<Shape>{{1, 7}, {3, 129}, {2, 4099}}) {
        const std::string name = s.str() + " f32 -> " + std::string(dtype_name(ot));
        const Tensor g = to_backend(*be, random_tensor(DType::kF32, s, 51, -6, 6));
        const Tensor u = to_backend(*be, random_tensor(DType::kF32, s, 52, -2, 2));
        const auto gv = to_f64(*be, g), uv = to_f64(*be, u);
        std::vector<double> want(gv.size());
        for (size_t i = 0; i < gv.size(); ++i) want[i] = silu(gv[i]) * uv[i];
        const Tensor out = be->alloc(ot, s), wide = be->alloc(DType::kF32, s);
        ops::swiglu(*be, g, u, &out);
        ops::swiglu(*be, g, u, &wide);
        expect_close("swiglu", name, ot, *be, to_f64(*be, out), want, tolerance_for(ot));
        expect_identical("swiglu", name, *be, to_f64(*be, out), rounded_to(*be, wide, ot));
      }
    }
  }
}

TEST_CASE("conformance: gelu", "[conformance][gelu]") {
  for (auto& be : conformance_backends()) {
    for (DType dt : kTypes) {
      for (const Shape& s : kShapes) {
        for (bool tanh_form : {false, true}) {
          Tensor x = random_tensor(dt, s, 21, -8, 8);
          const auto xv = to_f64(*be, x);
          std::vector<double> want(xv.size());
          for (size_t i = 0; i < xv.size(); ++i) {
            want[i] = tanh_form ? gelu_tanh(xv[i]) : gelu_erf(xv[i]);
          }
          Tensor got = ops::gelu(*be, to_backend(*be, x), GeluParams{tanh_form});
          REQUIRE(got.dtype() == dt);
          expect_close(tanh_form ? "gelu_tanh" : "gelu", s.str(), dt, *be, to_f64(*be, got),
                       want, tolerance_for(dt));
        }
      }
    }
  }
}

TEST_CASE("gelu at known points", "[gelu]") {
  // PyTorch's formulas evaluated by Python's math.erf / math.tanh in float64.
  auto be = conformance_backends().front();
  Tensor x = to_backend(*be, tensor_from(DType::kF32, {2}, {1.0, -3.0}));
  const auto erf_form = to_f64(*be, ops::gelu(*be, x));
  const auto tanh_form = to_f64(*be, ops::gelu(*be, x, GeluParams{true}));
  CHECK(erf_form[0] == Approx(0.8413447460685429).epsilon(1e-6));
  CHECK(erf_form[1] == Approx(-0.00404969409489031).epsilon(1e-5));
  CHECK(tanh_form[0] == Approx(0.8411919906082768).epsilon(1e-6));
  CHECK(tanh_form[1] == Approx(-0.0036373920817729943).epsilon(1e-5));
}

TEST_CASE("activations reject bad arguments", "[swiglu][gelu]") {
  auto be = conformance_backends().front();
  Tensor a = Tensor::zeros(DType::kF32, {3, 4}), b = Tensor::zeros(DType::kF32, {3, 5});
  REQUIRE_THROWS_WITH(ops::swiglu(*be, a, b), Catch::Contains("differ in shape"));
  Tensor i = Tensor::zeros(DType::kI32, {3, 4});
  REQUIRE_THROWS_WITH(ops::swiglu(*be, a, i), Catch::Contains("dtype i32"));
  REQUIRE_THROWS_WITH(ops::gelu(*be, i), Catch::Contains("dtype i32"));
  Tensor t = Tensor::zeros(DType::kF32, {4, 3}).transpose(0, 1);
  REQUIRE_THROWS_WITH(ops::gelu(*be, t), Catch::Contains("not contiguous"));
  Tensor wrong = Tensor::zeros(DType::kF32, {3, 5});
  REQUIRE_THROWS_WITH(ops::gelu(*be, a, {}, &wrong), Catch::Contains("output"));
  REQUIRE_THROWS_WITH(ops::swiglu(*be, a, a, &i), Catch::Contains("dtype i32"));
}

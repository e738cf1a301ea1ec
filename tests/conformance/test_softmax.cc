// Conformance of softmax (scale, causal mask) against float64, and its errors.
#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>

#include "conformance/conformance.h"
#include "conformance/reference_ops1.h"
#include "ops/softmax.h"

using namespace loka;
using namespace loka::test;

namespace {

struct Case {
  Shape shape;
  SoftmaxParams p;
  double range;  // inputs uniform in [-range, range)
};

const std::vector<Case> kCases = {
    {{1, 1}, {1.0f, false}, 1.0},
    {{7}, {1.0f, false}, 1.0},
    {{3, 7}, {0.125f, false}, 4.0},
    {{17, 129}, {1.0f, false}, 1.0},
    {{2, 4096}, {1.0f, false}, 8.0},
    {{1, 151936}, {1.0f, false}, 8.0},  // a vocabulary-sized row
    // exp(20 * 10) overflows f32: only a max-subtracting kernel passes.
    {{3, 65}, {10.0f, false}, 20.0},
    {{3, 33}, {-0.5f, false}, 2.0},
    {{1, 1}, {1.0f, true}, 1.0},
    {{5, 5}, {1.0f, true}, 3.0},
    {{2, 3, 17, 33}, {0.25f, true}, 3.0},
    {{3, 1, 129}, {1.0f, true}, 3.0},  // decode: one query row over 129 keys
    {{1, 1, 4096}, {0.088f, true}, 8.0},
    {{17, 17}, {3.0f, true}, 10.0},
};

}  // namespace

TEST_CASE("conformance: softmax", "[conformance][softmax]") {
  for (auto& be : conformance_backends()) {
    for (DType dt : {DType::kF32, DType::kF16, DType::kBF16}) {
      for (const Case& c : kCases) {
        // The probabilities of a 150k-wide row average 7e-6, below f16's smallest
        // normal (6.1e-5): stored as f16 subnormals they cannot meet 2e-3.
        if (dt == DType::kF16 && c.shape.size() == 2 && c.shape[1] > 100000) continue;
        Tensor x = random_tensor(dt, c.shape, 31, -c.range, c.range);
        const int64_t s = c.shape[c.shape.size() - 1];
        const int64_t t = c.p.causal ? c.shape[c.shape.size() - 2] : 1;
        const auto want = ref_softmax(to_f64(*be, x), t, s, c.p.scale, c.p.causal);
        Tensor got = ops::softmax(*be, to_backend(*be, x), c.p);
        REQUIRE(got.dtype() == dt);
        const std::string name =
            c.shape.str() + (c.p.causal ? " causal" : "") + " scale " + std::to_string(c.p.scale);
        // An f32 logit z = scale * x carries a rounding error of |z| * 2^-24, which
        // softmax turns into a relative error of the same size in the output:
        // allow for it when logits exceed ~50 (only the overflow case does).
        const double k = std::max(1.0, c.range * std::fabs(c.p.scale) / 50.0);
        expect_close("softmax", name, dt, *be, to_f64(*be, got), want, tolerance_for(dt, k));
      }
    }
  }
}

TEST_CASE("conformance: softmax masked columns are exactly zero", "[conformance][softmax]") {
  for (auto& be : conformance_backends()) {
    Tensor x = random_tensor(DType::kBF16, {4, 6}, 5);
    Tensor out = be->alloc(DType::kF32, {4, 6});
    ops::softmax(*be, to_backend(*be, x), {1.0f, true}, &out);
    const auto v = to_f64(*be, out);
    for (int r = 0; r < 4; ++r) {
      for (int c = 0; c < 6; ++c) {
        INFO("row " << r << " col " << c);
        if (c > r + 2) CHECK(v[r * 6 + c] == 0.0);
        if (c <= r + 2) CHECK(v[r * 6 + c] > 0.0);
      }
    }
  }
}

TEST_CASE("conformance: softmax of -inf logits (an additive mask) is 0", "[conformance][softmax]") {
  for (auto& be : conformance_backends()) {
    std::vector<double> v = to_f64(*be, random_tensor(DType::kF32, {3, 40}, 6));
    for (size_t i = 0; i < v.size(); i += 3) v[i] = -INFINITY;
    Tensor x = tensor_from(DType::kF32, {3, 40}, v);
    Tensor got = ops::softmax(*be, to_backend(*be, x), {0.5f, false});
    expect_close("softmax", "-inf logits", DType::kF32, *be, to_f64(*be, got),
                 ref_softmax(v, 1, 40, 0.5, false), tolerance_for(DType::kF32));
  }
}

TEST_CASE("softmax rejects bad arguments", "[softmax]") {
  auto be = conformance_backends().front();
  Tensor x = random_tensor(DType::kF32, {5, 3}, 1);
  REQUIRE_THROWS_WITH(ops::softmax(*be, x, {1.0f, true}), Catch::Contains("S >= T"));
  REQUIRE_THROWS_WITH(ops::softmax(*be, random_tensor(DType::kF32, {4}, 1), {1.0f, true}),
                      Catch::Contains("rank"));
  REQUIRE_THROWS_WITH(ops::softmax(*be, Tensor::zeros(DType::kI32, {3}), {}),
                      Catch::Contains("dtype i32"));
  REQUIRE_THROWS_WITH(ops::softmax(*be, Tensor::zeros(DType::kF32, {3, 0}), {}),
                      Catch::Contains("empty last dimension"));
  REQUIRE_THROWS_WITH(ops::softmax(*be, x, {INFINITY, false}), Catch::Contains("scale"));
  Tensor bad_out = be->alloc(DType::kF32, {3, 5});
  REQUIRE_THROWS_WITH(ops::softmax(*be, x, {}, &bad_out), Catch::Contains("output"));
}

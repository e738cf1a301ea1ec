// Conformance of rope (layouts, partial rotary, linear / llama3 / yarn scaling)
// against float64, inverse frequencies against values from
// tools/rope_reference.py (a numpy transcription of transformers'
// modeling_rope_utils.py), and rope's errors.
#include <catch2/catch.hpp>
#include <cmath>
#include <random>

#include "conformance/conformance.h"
#include "conformance/reference_ops1.h"
#include "ops/rope.h"

using namespace loka;
using namespace loka::test;

namespace {

// Output of tools/rope_reference.py.
// clang-format off
const std::vector<double> kLlama3InvFreq = {
    1, 0.66360123769608848, 0.44036660267178046, 0.29222782257301511, 0.19392274474868576,
    0.12868737343265052, 0.085397100285765609, 0.056669621445291044, 0.037606030930863933,
    0.024955408670558694, 0.016560440080994446, 0.010989528534539826, 0.0072926647372171085,
    0.0048394213457198928, 0.0032114459947525913, 0.0013718935677611381, 0.00052484616099295468,
    0.00017850781276799638, 7.7846552739324498e-05, 5.1659068748189563e-05, 3.4281021959525912e-05,
    2.2748928601828183e-05, 1.509621717643313e-05, 1.0017868402809974e-05, 6.6478698711812362e-06,
    4.4115346745584042e-06, 2.9274998701761677e-06, 1.942692537204043e-06, 1.2891731721515574e-06,
    8.5549691264436605e-07, 5.6770881007598369e-07, 3.7673226901739635e-07
};
const std::vector<double> kYarnInvFreq = {
    1, 0.64938163157621132, 0.42169650342858228, 0.27384196342643613, 0.17782794100389226,
    0.1154781984689458, 0.074989420933245579, 0.048696752516586311, 0.031622776601683791,
    0.020535250264571463, 0.013335214321633241, 0.0086596432336006526, 0.005154795480911533,
    0.0030431177271236479, 0.0017785302792462413, 0.0010266176840396614, 0.00058333333333333327,
    0.00032469081578810562, 0.00017570687642857595, 9.1280654475478729e-05, 4.4456985250973067e-05,
    2.8869549617236455e-05, 1.8747355233311396e-05, 1.2174188129146578e-05, 7.9056941504209488e-06,
    5.1338125661428656e-06, 3.3338035804083101e-06, 2.1649108084001634e-06, 1.4058533129758728e-06,
    9.1293531813709427e-07, 5.928434264154138e-07, 3.8498163151487298e-07
};
// yarn attention factor: 1.1386294361119891
const std::vector<double> kYarnSmallInvFreq = {
    1, 0.56234132519034907, 0.31622776601683794, 0.17782794100389226, 0.10000000000000001,
    0.056234132519034905, 0.027218175575020695, 0.012829015743852229, 0.0058214285714285711,
    0.0024903687258429744, 0.00095997714683682936, 0.00029214590307782314, 2.5000000000000001e-05,
    1.4058533129758728e-05, 7.9056941504209471e-06, 4.4456985250973073e-06
};
// yarn attention factor: 1.3688879454113936
const std::vector<double> kYarnNoTruncateInvFreq = {
    1, 0.64938163157621132, 0.42169650342858228, 0.27384196342643613, 0.17782794100389226,
    0.1154781984689458, 0.074989420933245579, 0.048696752516586311, 0.031622776601683791,
    0.020535250264571463, 0.013335214321633241, 0.0086596432336006526, 0.0055172704751341225,
    0.0032416347362497185, 0.0018835024401661149, 0.0010792377416765538, 0.00060740793787983913,
    0.0003337683334323416, 0.00017734424630684023, 8.9579252871175135e-05, 4.4456985250973067e-05,
    2.8869549617236455e-05, 1.8747355233311396e-05, 1.2174188129146578e-05, 7.9056941504209488e-06,
    5.1338125661428656e-06, 3.3338035804083101e-06, 2.1649108084001634e-06, 1.4058533129758728e-06,
    9.1293531813709427e-07, 5.928434264154138e-07, 3.8498163151487298e-07
};
// clang-format on

RopeParams llama3_params() {
  RopeParams p;
  p.theta = 500000.0;
  p.scaling = RopeScaling::kLlama3;
  p.factor = 8.0;
  p.low_freq_factor = 1.0;
  p.high_freq_factor = 4.0;
  p.original_max_position = 8192;
  return p;
}

RopeParams yarn_params(double theta, double factor, int64_t original) {
  RopeParams p;
  p.theta = theta;
  p.scaling = RopeScaling::kYarn;
  p.factor = factor;
  p.original_max_position = original;
  return p;
}

void check_freqs(const std::vector<double>& got, const std::vector<double>& want) {
  REQUIRE(got.size() == want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    INFO("inv_freq[" << i << "]");
    CHECK(got[i] == Approx(want[i]).epsilon(1e-12));
  }
}

struct Geometry {
  Shape x;          // [T, H, Dh] or [B, T, H, Dh]
  Shape positions;  // x's leading dims, or [T] shared by a batch
  int64_t rotary_dim;
};

}  // namespace

TEST_CASE("rope inverse frequencies match transformers' formulas", "[conformance][rope]") {
  const RopeParams llama3 = llama3_params();
  check_freqs(ops::rope_inv_freq(llama3, 64), kLlama3InvFreq);
  check_freqs(ref_rope_inv_freq(llama3, 64), kLlama3InvFreq);
  CHECK(ops::rope_attention_scale(llama3) == 1.0);

  const RopeParams yarn = yarn_params(1e6, 4.0, 32768);
  check_freqs(ops::rope_inv_freq(yarn, 64), kYarnInvFreq);
  check_freqs(ref_rope_inv_freq(yarn, 64), kYarnInvFreq);
  CHECK(ops::rope_attention_scale(yarn) == Approx(1.1386294361119891).epsilon(1e-14));

  RopeParams no_truncate = yarn;
  no_truncate.truncate = false;
  check_freqs(ops::rope_inv_freq(no_truncate, 64), kYarnNoTruncateInvFreq);

  // Partial rotary: the exponent's denominator is rotary_dim, not head_dim.
  RopeParams small = yarn_params(10000.0, 40.0, 4096);
  small.rotary_dim = 32;
  check_freqs(ops::rope_inv_freq(small, 192), kYarnSmallInvFreq);
  check_freqs(ref_rope_inv_freq(small, 192), kYarnSmallInvFreq);
  CHECK(ops::rope_attention_scale(small) == Approx(1.3688879454113936).epsilon(1e-14));
  small.attention_factor = 0.707;
  CHECK(ops::rope_attention_scale(small) == 0.707);

  RopeParams linear;
  linear.scaling = RopeScaling::kLinear;
  linear.factor = 4.0;
  const auto lin = ops::rope_inv_freq(linear, 8);
  REQUIRE(lin.size() == 4);
  for (int i = 0; i < 4; ++i) CHECK(lin[i] == Approx(std::pow(10000.0, -i / 4.0) / 4.0));
}

TEST_CASE("conformance: rope", "[conformance][rope]") {
  const std::vector<Geometry> geometries = {
      {{1, 1, 2}, {1}, 0},     {{3, 5, 8}, {3}, 0},   {{17, 3, 64}, {17}, 0},
      {{3, 2, 128}, {3}, 64},  {{5, 2, 48}, {5}, 32}, {{2, 3, 4, 64}, {2, 3}, 0},
      {{2, 3, 4, 64}, {3}, 0},
  };
  RopeParams none, linear, yarn_partial = yarn_params(10000.0, 40.0, 4096);
  linear.scaling = RopeScaling::kLinear;
  linear.factor = 2.5;
  yarn_partial.attention_factor = 0.707;
  const std::vector<std::pair<std::string, RopeParams>> scalings = {
      {"none", none},
      {"linear", linear},
      {"llama3", llama3_params()},
      {"yarn", yarn_params(1e6, 4.0, 32768)},
      {"yarn attention_factor", yarn_partial},
  };
  std::mt19937 rng(7);
  for (auto& be : conformance_backends()) {
    for (DType dt : {DType::kF32, DType::kF16, DType::kBF16}) {
      for (RopeLayout layout : {RopeLayout::kNeox, RopeLayout::kInterleaved}) {
        for (const auto& [scaling_name, base] : scalings) {
          for (const Geometry& g : geometries) {
            RopeParams p = base;
            p.layout = layout;
            p.rotary_dim = g.rotary_dim;
            // Positions up to 2^17: an f32 angle would be off by ~1e-2 there.
            std::vector<int32_t> pos(static_cast<size_t>(shape_numel(g.positions)));
            for (int32_t& v : pos) v = static_cast<int32_t>(rng() % 131072);
            pos[0] = 0;
            if (pos.size() > 1) pos[1] = 131071;
            Tensor x = random_tensor(dt, g.x, 51);
            const int64_t heads = g.x[g.x.size() - 2], dh = g.x[g.x.size() - 1];
            const auto want = ref_rope(to_f64(*be, x), pos, heads, dh, p);
            Tensor got = ops::rope(*be, to_backend(*be, x),
                                   to_backend(*be, int_tensor(g.positions, pos)), p);
            REQUIRE(got.dtype() == dt);
            const std::string name = g.x.str() + " rot " + std::to_string(g.rotary_dim) + " " +
                                     scaling_name +
                                     (layout == RopeLayout::kNeox ? " neox" : " interleaved");
            expect_close("rope", name, dt, *be, to_f64(*be, got), want, tolerance_for(dt));
          }
        }
      }
    }
  }
}

TEST_CASE("conformance: rope in place and into another dtype", "[conformance][rope]") {
  for (auto& be : conformance_backends()) {
    const RopeParams p = llama3_params();
    Tensor x = to_backend(*be, random_tensor(DType::kBF16, {4, 2, 64}, 9));
    const std::vector<int32_t> pos = {5, 6, 7, 9000};
    const auto want = ref_rope(to_f64(*be, x), pos, 2, 64, p);
    Tensor pos_t = to_backend(*be, int_tensor({4}, pos));
    Tensor wide = be->alloc(DType::kF32, {4, 2, 64});
    ops::rope(*be, x, pos_t, p, &wide);
    expect_close("rope", "bf16 -> f32 out", DType::kF32, *be, to_f64(*be, wide), want,
                 tolerance_for(DType::kF32));
    ops::rope(*be, x, pos_t, p, &x);
    expect_close("rope", "in place", DType::kBF16, *be, to_f64(*be, x), want,
                 tolerance_for(DType::kBF16));
  }
}

TEST_CASE("rope rejects bad arguments", "[rope]") {
  auto be = conformance_backends().front();
  Tensor x = random_tensor(DType::kF32, {3, 2, 8}, 1);
  Tensor pos = int_tensor({3}, {0, 1, 2});
  REQUIRE_THROWS_WITH(ops::rope(*be, x, int_tensor({2}, {0, 1}), {}),
                      Catch::Contains("'positions' [2]"));
  REQUIRE_THROWS_WITH(ops::rope(*be, x, Tensor::zeros(DType::kF32, {3}), {}),
                      Catch::Contains("'positions'") && Catch::Contains("dtype f32"));
  REQUIRE_THROWS_WITH(ops::rope(*be, random_tensor(DType::kF32, {3, 8}, 1), pos, {}),
                      Catch::Contains("rank"));
  REQUIRE_THROWS_WITH(ops::rope(*be, random_tensor(DType::kF32, {3, 2, 7}, 1), pos, {}),
                      Catch::Contains("rotary_dim 7"));
  RopeParams p;
  p.rotary_dim = 10;
  REQUIRE_THROWS_WITH(ops::rope(*be, x, pos, p), Catch::Contains("rotary_dim 10"));
  p.rotary_dim = 3;
  REQUIRE_THROWS_WITH(ops::rope(*be, x, pos, p), Catch::Contains("must be even"));
  RopeParams bad = llama3_params();
  bad.high_freq_factor = 1.0;
  REQUIRE_THROWS_WITH(ops::rope(*be, x, pos, bad), Catch::Contains("low_freq_factor"));
  RopeParams zero_factor;
  zero_factor.scaling = RopeScaling::kLinear;
  zero_factor.factor = 0.0;
  REQUIRE_THROWS_WITH(ops::rope(*be, x, pos, zero_factor), Catch::Contains("factor"));
  RopeParams bad_theta;
  bad_theta.theta = 0.0;
  REQUIRE_THROWS_WITH(ops::rope_inv_freq(bad_theta, 8), Catch::Contains("theta"));
  RopeParams yarn = yarn_params(1e4, 4.0, 0);
  REQUIRE_THROWS_WITH(ops::rope(*be, x, pos, yarn), Catch::Contains("original_max_position"));
  yarn.original_max_position = 4096;
  yarn.beta_slow = -1.0;
  REQUIRE_THROWS_WITH(ops::rope(*be, x, pos, yarn), Catch::Contains("beta_slow"));
}

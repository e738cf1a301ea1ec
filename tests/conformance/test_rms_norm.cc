// Conformance of rms_norm and rms_norm_residual against float64, and their errors.
#include <catch2/catch.hpp>

#include "conformance/conformance.h"
#include "conformance/reference_ops1.h"
#include "ops/rms_norm.h"

using namespace loka;
using namespace loka::test;

namespace {
const std::vector<Shape> kShapes = {{1, 1}, {3, 7}, {17, 129}, {2, 3, 4096}, {4096}, {2, 65536}};
constexpr DType kTypes[] = {DType::kF32, DType::kF16, DType::kBF16};
}  // namespace

TEST_CASE("conformance: rms_norm", "[conformance][rms_norm]") {
  const float eps = 1e-5f;
  for (auto& be : conformance_backends()) {
    for (DType dt : kTypes) {
      for (DType wt : kTypes) {
        for (const Shape& s : kShapes) {
          Tensor x = random_tensor(dt, s, 11, -2.0, 2.0);
          Tensor w = random_tensor(wt, {s[s.size() - 1]}, 12, 0.5, 1.5);
          const auto want = ref_rms_norm(to_f64(*be, x), to_f64(*be, w), eps);
          Tensor got = ops::rms_norm(*be, to_backend(*be, x), to_backend(*be, w), eps);
          REQUIRE(got.dtype() == dt);
          expect_close("rms_norm", s.str() + " w " + std::string(dtype_name(wt)), dt, *be,
                       to_f64(*be, got), want, tolerance_for(dt));
        }
      }
    }
  }
}

TEST_CASE("conformance: rms_norm into an output of another dtype", "[conformance][rms_norm]") {
  for (auto& be : conformance_backends()) {
    Tensor x = random_tensor(DType::kBF16, {5, 33}, 3), w = random_tensor(DType::kF32, {33}, 4);
    Tensor out = be->alloc(DType::kF32, {5, 33});
    ops::rms_norm(*be, to_backend(*be, x), to_backend(*be, w), 1e-6f, &out);
    expect_close("rms_norm", "bf16 -> f32 out", DType::kF32, *be, to_f64(*be, out),
                 ref_rms_norm(to_f64(*be, x), to_f64(*be, w), 1e-6), tolerance_for(DType::kF32));
  }
}

TEST_CASE("conformance: rms_norm_residual", "[conformance][rms_norm]") {
  const float eps = 1e-6f;
  for (auto& be : conformance_backends()) {
    for (DType dt : kTypes) {
      // f32 x with a bf16 residual: the f32 output shows whether the norm read the
      // rounded sum.
      for (DType rt : kTypes) {
        for (const Shape& s : kShapes) {
          Tensor x = random_tensor(dt, s, 21), r = random_tensor(rt, s, 22, -3.0, 3.0);
          Tensor w = random_tensor(DType::kBF16, {s[s.size() - 1]}, 23, 0.5, 1.5);
          const auto xv = to_f64(*be, x), rv = to_f64(*be, r);
          std::vector<double> sum(xv.size());
          for (size_t i = 0; i < xv.size(); ++i) sum[i] = xv[i] + rv[i];
          // The norm reads the sum as stored in residual's dtype.
          const auto stored = to_f64(*be, tensor_from(rt, s, sum));
          const auto res = ops::rms_norm_residual(*be, to_backend(*be, x), to_backend(*be, r),
                                                  to_backend(*be, w), eps);
          REQUIRE(res.out.dtype() == dt);
          REQUIRE(res.sum.dtype() == rt);
          const std::string name = s.str() + " residual " + std::string(dtype_name(rt));
          expect_close("rms_norm_res", name + " sum", rt, *be, to_f64(*be, res.sum), sum,
                       tolerance_for(rt));
          expect_close("rms_norm_res", name + " out", dt, *be, to_f64(*be, res.out),
                       ref_rms_norm(stored, to_f64(*be, w), eps), tolerance_for(dt));
        }
      }
    }
  }
}

TEST_CASE("conformance: rms_norm_residual updating the residual in place", "[conformance][rms_norm]") {
  // As between transformer blocks: sum is the residual stream itself; rows short enough to
  // stay in registers and rows long enough to stream twice.
  const float eps = 1e-6f;
  for (auto& be : conformance_backends()) {
    for (const Shape& s : std::vector<Shape>{{1, 4096}, {3, 200}, {2, 20000}}) {
      Tensor x = random_tensor(DType::kF32, s, 31), r = random_tensor(DType::kF32, s, 32, -3.0, 3.0);
      Tensor w = random_tensor(DType::kF32, {s[s.size() - 1]}, 33, 0.5, 1.5);
      const auto xv = to_f64(*be, x), rv = to_f64(*be, r);
      std::vector<double> sum(xv.size());
      for (size_t i = 0; i < xv.size(); ++i) sum[i] = xv[i] + rv[i];
      // A second tensor of the same values: on the CPU to_backend is the tensor itself.
      const Tensor stream = to_backend(*be, random_tensor(DType::kF32, s, 32, -3.0, 3.0));
      const Tensor out = be->alloc(DType::kF32, s);
      ops::rms_norm_residual(*be, to_backend(*be, x), stream, to_backend(*be, w), eps, out, stream);
      expect_close("rms_norm_res", s.str() + " in place sum", DType::kF32, *be, to_f64(*be, stream),
                   sum, tolerance_for(DType::kF32));
      expect_close("rms_norm_res", s.str() + " in place out", DType::kF32, *be, to_f64(*be, out),
                   ref_rms_norm(sum, to_f64(*be, w), eps), tolerance_for(DType::kF32));
    }
  }
}

TEST_CASE("conformance: rms_norm and rms_norm_residual of f32 rows into a 16-bit output",
          "[conformance][rms_norm]") {
  // As in a 16-bit model's forward pass on a device: the f32 residual stream (updated in
  // place) normalised straight into the GEMMs' dtype. That output must be the f32 output
  // rounded once, as converting it would; rows short enough to stay in registers and rows
  // long enough to stream twice.
  const float eps = 1e-5f;
  for (auto& be : conformance_backends()) {
    for (DType ot : {DType::kBF16, DType::kF16}) {
      for (const Shape& s : std::vector<Shape>{{1, 4096}, {3, 200}, {17, 129}, {2, 20000}}) {
        const std::string name = s.str() + " f32 -> " + std::string(dtype_name(ot));
        const Tensor x = to_backend(*be, random_tensor(DType::kF32, s, 41, -2.0, 2.0));
        const Tensor w =
            to_backend(*be, random_tensor(DType::kF32, {s[s.size() - 1]}, 42, 0.5, 1.5));
        const Tensor out = be->alloc(ot, s), wide = be->alloc(DType::kF32, s);
        ops::rms_norm(*be, x, w, eps, &out);
        ops::rms_norm(*be, x, w, eps, &wide);
        const auto xv = to_f64(*be, x), wv = to_f64(*be, w);
        expect_close("rms_norm", name, ot, *be, to_f64(*be, out), ref_rms_norm(xv, wv, eps),
                     tolerance_for(ot));
        expect_identical("rms_norm", name, *be, to_f64(*be, out), rounded_to(*be, wide, ot));

        // Two streams of the same values: on the CPU to_backend is the host tensor itself.
        const Tensor stream = to_backend(*be, random_tensor(DType::kF32, s, 43, -3.0, 3.0));
        const Tensor stream2 = to_backend(*be, random_tensor(DType::kF32, s, 43, -3.0, 3.0));
        const auto rv = to_f64(*be, stream);
        std::vector<double> sum(xv.size());
        for (size_t i = 0; i < xv.size(); ++i) sum[i] = xv[i] + rv[i];
        const auto stored = to_f64(*be, tensor_from(DType::kF32, s, sum));
        ops::rms_norm_residual(*be, x, stream, w, eps, out, stream);
        ops::rms_norm_residual(*be, x, stream2, w, eps, wide, stream2);
        expect_close("rms_norm_res", name + " sum", DType::kF32, *be, to_f64(*be, stream), sum,
                     tolerance_for(DType::kF32));
        expect_close("rms_norm_res", name + " out", ot, *be, to_f64(*be, out),
                     ref_rms_norm(stored, wv, eps), tolerance_for(ot));
        expect_identical("rms_norm_res", name, *be, to_f64(*be, out), rounded_to(*be, wide, ot));
      }
    }
  }
}

TEST_CASE("rms_norm rejects bad arguments", "[rms_norm]") {
  auto be = conformance_backends().front();
  Tensor x = random_tensor(DType::kF32, {3, 8}, 1), w = random_tensor(DType::kF32, {8}, 2);
  REQUIRE_THROWS_WITH(ops::rms_norm(*be, x, random_tensor(DType::kF32, {7}, 3), 1e-6f),
                      Catch::Contains("does not match the last dimension"));
  REQUIRE_THROWS_WITH(ops::rms_norm(*be, x, random_tensor(DType::kF32, {1, 8}, 3), 1e-6f),
                      Catch::Contains("'weight'"));
  REQUIRE_THROWS_WITH(ops::rms_norm(*be, Tensor::zeros(DType::kI32, {3, 8}), w, 1e-6f),
                      Catch::Contains("dtype i32"));
  REQUIRE_THROWS_WITH(ops::rms_norm(*be, x, w, -1.0f), Catch::Contains("eps"));
  REQUIRE_THROWS_WITH(
      ops::rms_norm(*be, x.transpose(0, 1), random_tensor(DType::kF32, {3}, 3), 1e-6f),
      Catch::Contains("not contiguous"));
  Tensor bad_out = be->alloc(DType::kF32, {3, 9});
  REQUIRE_THROWS_WITH(ops::rms_norm(*be, x, w, 1e-6f, &bad_out), Catch::Contains("output"));
  REQUIRE_THROWS_WITH(
      ops::rms_norm_residual(*be, x, random_tensor(DType::kF32, {4, 8}, 4), w, 1e-6f),
      Catch::Contains("differ in shape"));
}

// Conformance of matmul (odd sizes, batched and broadcast, transpose_b, mixed dtypes, f16/bf16
// outputs) against a float64 reference on the same rounded inputs; the CPU GEMV and oneDNN
// paths directly; matmul's errors.
#include <catch2/catch.hpp>
#include <cmath>

#include "conformance/conformance.h"
#include "core/error.h"
#include "core/thread_pool.h"
#include "cpu/gemv_cpu.h"
#include "cpu/matmul_engine.h"
#include "ops/matmul.h"

using namespace loka;
using namespace loka::test;

namespace {

// c[..., m, n] = sum_k a[..., m, k] * b(..., n, k) in float64, b's batch dimensions
// right-aligned with a's and broadcast where they are 1; a and b are row-major values.
std::vector<double> reference(const Shape& as, const std::vector<double>& a, const Shape& bs,
                              const std::vector<double>& b, bool transpose_b) {
  const int nd = as.size(), skip = as.size() - bs.size();
  const int64_t M = as.at(-2), K = as.at(-1), N = transpose_b ? bs.at(-2) : bs.at(-1);
  const int64_t batch = shape_numel(as) / (M * K);
  std::vector<double> c(static_cast<size_t>(batch * M * N));
  for (int64_t i = 0; i < batch; ++i) {
    int64_t rest = i, bi = 0, bscale = 1;
    for (int d = nd - 3; d >= 0; --d) {
      const int64_t idx = rest % as[d];
      rest /= as[d];
      if (d >= skip) {
        const int64_t bd = bs[d - skip];
        bi += (bd == 1 ? 0 : idx) * bscale;
        bscale *= bd;
      }
    }
    const double* ap = a.data() + i * M * K;
    const double* bp = b.data() + bi * N * K;
    for (int64_t m = 0; m < M; ++m) {
      for (int64_t n = 0; n < N; ++n) {
        double s = 0;
        for (int64_t k = 0; k < K; ++k) {
          s += ap[m * K + k] * (transpose_b ? bp[n * K + k] : bp[k * N + n]);
        }
        c[static_cast<size_t>((i * M + m) * N + n)] = s;
      }
    }
  }
  return c;
}

// The rounding error of a K-term f32 sum grows like a random walk, relative to the output's
// rms about eps * sqrt(K / 2), hence k_factor = sqrt(K). With mixed dtypes a backend may round
// the activations to the weights' narrower dtype (bf16 GEMM units do): one rounding per
// product, whose errors average out relative to the rms, so that dtype's own tolerance.
Tolerance matmul_tolerance(DType a, DType b, DType out, int64_t K) {
  Tolerance t = tolerance_for(out, std::sqrt(std::max<double>(1.0, static_cast<double>(K))));
  if (a != b && b != DType::kF32) t.rel = std::max(t.rel, tolerance_for(b).rel);
  return t;
}

// Runs a x b on `be` and compares with the float64 reference of the rounded inputs.
void check_matmul(Backend& be, const std::string& label, const Tensor& a, const Tensor& b, bool tb,
                  DType out_dtype = DType::kF32) {
  const auto av = to_f64(be, a), bv = to_f64(be, b);
  const std::vector<double> want = reference(a.shape(), av, b.shape(), bv, tb);
  Tensor da = to_backend(be, a), db = to_backend(be, b);
  Tensor out;
  if (out_dtype != DType::kF32) {
    Shape s = a.shape();
    s[s.size() - 1] = tb ? b.dim(-2) : b.dim(-1);
    out = be.alloc(out_dtype, s);
  }
  Tensor c = ops::matmul(be, da, db, tb, out.defined() ? &out : nullptr);
  REQUIRE(c.dtype() == out_dtype);
  const std::string name = a.shape().str() + " x " + b.shape().str() + (tb ? " tb" : "");
  expect_close(label, name, out_dtype == DType::kF32 ? b.dtype() : out_dtype, be, to_f64(be, c),
               want, matmul_tolerance(a.dtype(), b.dtype(), out_dtype, a.dim(-1)));
}

const std::vector<std::pair<DType, DType>> kCombos = {{DType::kF32, DType::kF32},
                                                      {DType::kF32, DType::kBF16},
                                                      {DType::kF32, DType::kF16},
                                                      {DType::kBF16, DType::kBF16},
                                                      {DType::kF16, DType::kF16}};

std::string label(DType a) { return "matmul." + std::string(dtype_name(a)); }

Shape weight_shape(int64_t N, int64_t K, bool tb) { return tb ? Shape{N, K} : Shape{K, N}; }

}  // namespace

TEST_CASE("conformance: matmul odd sizes x dtypes x transpose_b", "[conformance][matmul]") {
  uint64_t seed = 100;
  for (auto& be : conformance_backends()) {
    for (const auto& [da, db] : kCombos) {
      for (bool tb : {true, false}) {
        for (int64_t M : {1, 3, 17, 64}) {
          for (int64_t K : {1, 7, 129, 1024}) {
            for (int64_t N : {1, 5, 127, 256}) {
              Tensor a = random_tensor(da, {M, K}, ++seed);
              Tensor b = random_tensor(db, weight_shape(N, K, tb), ++seed);
              check_matmul(*be, label(da), a, b, tb);
            }
          }
        }
      }
    }
  }
}

TEST_CASE("conformance: matmul batched and broadcast", "[conformance][matmul]") {
  struct Case {
    Shape a, b;
  };
  // b given as [..., N, K]; the [..., K, N] variant swaps its last two extents.
  const std::vector<Case> cases = {
      {{2, 3, 17, 129}, {127, 129}},      // shared 2-D weight: one product over 102 rows
      {{2, 3, 5, 33}, {2, 3, 7, 33}},     // every matrix its own weight
      {{2, 3, 5, 33}, {3, 7, 33}},        // b lacks the leading batch dimension
      {{2, 3, 5, 33}, {2, 1, 7, 33}},     // b broadcast over the middle one
      {{2, 3, 5, 33}, {1, 1, 7, 33}},     // b all-ones batch: shared
      {{4, 1, 64}, {4, 256, 64}},         // batched decode: M = 1 per matrix
      {{3, 2, 4, 1000}, {3, 1, 9, 1000}}  // batched few-row products, K over a GEMV chunk
  };
  uint64_t seed = 500;
  for (auto& be : conformance_backends()) {
    for (const auto& [da, db] : kCombos) {
      for (bool tb : {true, false}) {
        for (const Case& c : cases) {
          Shape bs = c.b;
          if (!tb) std::swap(bs[bs.size() - 1], bs[bs.size() - 2]);
          check_matmul(*be, label(da), random_tensor(da, c.a, ++seed),
                       random_tensor(db, bs, ++seed), tb);
        }
      }
    }
  }
}

TEST_CASE("conformance: matmul strided views", "[conformance][matmul]") {
  for (auto& be : conformance_backends()) {
    if (!be->device().is_host()) continue;  // views of host tensors
    for (const auto& [da, db] : kCombos) {
      for (int64_t M : {1, 4, 17}) {
        // Rows with a stride (a column slice), foldable over the batch.
        Tensor a = random_tensor(da, {3, M, 130}, 1).slice(2, 1, 130);
        Tensor w = random_tensor(db, {40, 131}, 2).slice(1, 2, 131).slice(0, 3, 40);
        check_matmul(*be, label(da), a, w, true);
        // A batch whose stride does not fold into rows: one product per matrix.
        Tensor t = random_tensor(da, {M, 3, 129}, 3).transpose(0, 1);
        check_matmul(*be, label(da), t, random_tensor(db, {33, 129}, 4), true);
        // b[K, N] given as the transpose of an [N, K] tensor (used in place), and a with a
        // non-unit inner stride (packed).
        Tensor bt = random_tensor(db, {33, 129}, 5).transpose(0, 1);
        check_matmul(*be, label(da), random_tensor(da, {129, M}, 6).transpose(0, 1), bt, false);
        // b with no unit stride in either inner dimension (packed).
        Tensor bs = random_tensor(db, {33, 129, 2}, 7).select(2, 1);
        check_matmul(*be, label(da), random_tensor(da, {M, 129}, 8), bs, true);
        check_matmul(*be, label(da), random_tensor(da, {M, 33}, 9), bs, false);
      }
    }
  }
}

TEST_CASE("conformance: matmul f16 and bf16 outputs", "[conformance][matmul]") {
  for (auto& be : conformance_backends()) {
    for (DType out : {DType::kF16, DType::kBF16}) {
      for (const auto& [da, db] : kCombos) {
        for (int64_t M : {1, 3, 64}) {
          Tensor a = random_tensor(da, {2, M, 129}, 11), b = random_tensor(db, {127, 129}, 12);
          check_matmul(*be, "matmul.out", a, b, true, out);
        }
      }
    }
  }
}

TEST_CASE("conformance: matmul decode GEMV shapes", "[conformance][matmul]") {
  // M <= kGemvMaxRows (16) with [N, K] weights is the CPU's own GEMV, in tiles of up to four
  // activation rows: K with a tail after the vector loop, N with a tail after the row blocks
  // and split over two threads; M = 17 is oneDNN's.
  uint64_t seed = 900;
  for (auto& be : conformance_backends()) {
    for (const auto& [da, db] : kCombos) {
      for (int64_t M : {1, 2, 3, 4, 5, 8, 13, 16, 17}) {
        for (int64_t K : {8, 1100}) {
          check_matmul(*be, "gemv." + std::string(dtype_name(da)),
                       random_tensor(da, {M, K}, ++seed), random_tensor(db, {259, K}, ++seed),
                       true);
        }
      }
    }
  }
}

TEST_CASE("cpu gemv and oneDNN gemm on strided operands", "[matmul][cpu]") {
  // The two CPU paths directly (every GEMV kernel this CPU can run, every M it takes), with
  // leading dimensions larger than the rows; K = 300 leaves a tail after the vector loops.
  // The engine widens weights it cannot take natively in blocks of 16 KiB here: 16 columns,
  // so N = 37 takes three blocks, the last one partial, in both weight layouts.
  ThreadPool pool(2);
  cpu::MatmulEngine engine(2, 16 << 10);
  Backend& be = *conformance_backends().front();
  const int64_t N = 37, K = 300, ldx = 310, ldw = 305, ldy = 40;
  for (DType wt : {DType::kF32, DType::kF16, DType::kBF16}) {
    Tensor x = random_tensor(DType::kF32, {cpu::kGemvMaxRows, ldx}, 21);
    Tensor w = random_tensor(wt, {N, ldw}, 22);   // b(n, k) = w[n, k]
    Tensor wk = random_tensor(wt, {K, ldw}, 23);  // b(n, k) = wk[k, n]
    const auto xv = to_f64(be, x), wv = to_f64(be, w), wkv = to_f64(be, wk);
    const Tolerance tol = matmul_tolerance(DType::kF32, wt, DType::kF32, K);
    for (int64_t M = 1; M <= cpu::kGemvMaxRows; ++M) {
      // Outputs start at -7 so that writes past N or M show up.
      std::vector<double> want(M * ldy, -7.0), want_k(M * ldy, -7.0);
      for (int64_t m = 0; m < M; ++m) {
        for (int64_t n = 0; n < N; ++n) {
          double s = 0, sk = 0;
          for (int64_t k = 0; k < K; ++k) {
            s += xv[m * ldx + k] * wv[n * ldw + k];
            sk += xv[m * ldx + k] * wkv[k * ldw + n];
          }
          want[m * ldy + n] = s;
          want_k[m * ldy + n] = sk;
        }
      }
      INFO("M = " << M << ", weights " << dtype_name(wt));
      for (auto isa : {cpu::GemvIsa::kPortable, cpu::GemvIsa::kAvx2, cpu::GemvIsa::kAvx512}) {
        if (!cpu::gemv_isa_available(isa)) continue;
        std::vector<float> y(M * ldy, -7.0f);
        cpu::gemv({M, N, K, x.data_as<float>(), ldx, wt, w.data(), ldw, y.data(), ldy}, pool, isa);
        INFO("gemv kernel " << static_cast<int>(isa));
        CHECK(max_rel_error({y.begin(), y.end()}, want) <= tol.rel);
      }
      std::vector<float> z(M * ldy, -7.0f), zk(M * ldy, -7.0f);
      cpu::GemmArgs g{M, N, K, DType::kF32, x.data(), ldx, wt, w.data(), ldw, 1, z.data(), ldy};
      engine.gemm(g, pool);
      cpu::GemmArgs gk{M, N, K, DType::kF32, x.data(), ldx, wt, wk.data(), 1, ldw, zk.data(), ldy};
      engine.gemm(gk, pool);
      INFO("oneDNN: " << engine.implementation(g));
      CHECK(max_rel_error({z.begin(), z.end()}, want) <= tol.rel);
      CHECK(max_rel_error({zk.begin(), zk.end()}, want_k) <= tol.rel);
    }
  }
}

TEST_CASE("matmul rejects mismatched shapes and dtypes", "[matmul]") {
  auto be = conformance_backends().front();
  Tensor a = random_tensor(DType::kF32, {2, 3, 8}, 1);
  REQUIRE_THROWS_WITH(ops::matmul(*be, a, random_tensor(DType::kF32, {5, 9}, 2)),
                      Catch::Contains("K = 8") && Catch::Contains("K = 9"));
  REQUIRE_THROWS_WITH(ops::matmul(*be, a, random_tensor(DType::kF32, {8, 5}, 2)),
                      Catch::Contains("K = 8") && Catch::Contains("K = 5"));
  REQUIRE_THROWS_WITH(ops::matmul(*be, a, random_tensor(DType::kF32, {3, 5, 8}, 2)),
                      Catch::Contains("do not broadcast"));
  REQUIRE_THROWS_WITH(ops::matmul(*be, a, random_tensor(DType::kF32, {1, 2, 3, 5, 8}, 2)),
                      Catch::Contains("'b'") && Catch::Contains("rank"));
  REQUIRE_THROWS_WITH(
      ops::matmul(*be, random_tensor(DType::kF32, {8}, 1), random_tensor(DType::kF32, {5, 8}, 2)),
      Catch::Contains("'a'") && Catch::Contains("rank"));
  REQUIRE_THROWS_WITH(ops::matmul(*be, a, Tensor::zeros(DType::kI32, {5, 8})),
                      Catch::Contains("dtype i32"));
  Tensor bad_out = Tensor::empty(DType::kF32, {2, 3, 4});
  REQUIRE_THROWS_WITH(ops::matmul(*be, a, random_tensor(DType::kF32, {5, 8}, 2), true, &bad_out),
                      Catch::Contains("output"));
  // A node that skipped the front end: the backend declines it instead of reading past b.
  OpNode node{OpKind::kMatMul,
              {a, random_tensor(DType::kF32, {5, 9}, 2)},
              {Tensor::empty(DType::kF32, {2, 3, 5})},
              MatMulParams{}};
  CHECK_FALSE(be->supports_op(node));
  REQUIRE_THROWS_AS(be->compute(node), Error);
}

TEST_CASE("matmul of empty extents", "[matmul]") {
  auto be = conformance_backends().front();
  // K = 0: every output is an empty sum.
  Tensor c =
      ops::matmul(*be, Tensor::empty(DType::kF32, {3, 0}), Tensor::empty(DType::kBF16, {5, 0}));
  REQUIRE(c.shape() == Shape{3, 5});
  for (double v : to_f64(*be, c)) CHECK(v == 0.0);
  Tensor e =
      ops::matmul(*be, Tensor::empty(DType::kF32, {0, 4}), Tensor::empty(DType::kF32, {5, 4}));
  REQUIRE(e.shape() == Shape{0, 5});
}

namespace {

// The value of f16 bits by the IEEE 754 formula (finite values only).
double f16_value(uint16_t h) {
  const int exp = (h >> 10) & 0x1f, mant = h & 0x3ff;
  const double mag = exp == 0 ? std::ldexp(mant, -24) : std::ldexp(1024 + mant, exp - 25);
  return (h & 0x8000) ? -mag : mag;
}

}  // namespace

TEST_CASE("cpu gemv f16 weights: subnormals, extremes, signs, large and tiny activations",
          "[matmul][cpu]") {
  // The AVX2 kernel widens half of the f16 rows by integer shifts with activations scaled by
  // 2^100 (exact for |x| < 2^27, the vcvtph2ps path for all rows above that); every finite f16
  // pattern class goes through both row kinds here: 16 rows x K = 64 + a 5-element tail.
  ThreadPool pool(2);
  const int64_t N = 16, K = 69;
  std::vector<uint16_t> w(N * K);
  const uint16_t classes[] = {0x0001, 0x03ff, 0x0200, 0x0400, 0x7bff, 0x3c00, 0x0000, 0x3555};
  for (int64_t i = 0; i < N * K; ++i) {
    const uint16_t sign = (i / 3) % 2 ? 0x8000 : 0;
    w[i] = static_cast<uint16_t>(classes[(i * 7 + i / K) % 8] | sign);
  }
  for (float big : {1.0f, 1e-30f, 3e5f, 1e8f, 2e8f, 1e9f}) {
    std::vector<float> x(K);
    for (int64_t k = 0; k < K; ++k) x[k] = big * static_cast<float>((k % 5) - 2) * 0.37f;
    std::vector<double> want(N);
    double scale = 0;
    for (int64_t n = 0; n < N; ++n) {
      for (int64_t k = 0; k < K; ++k) {
        want[n] += static_cast<double>(x[k]) * f16_value(w[n * K + k]);
        scale = std::max(scale, std::fabs(static_cast<double>(x[k]) * f16_value(w[n * K + k])));
      }
    }
    for (auto isa : {cpu::GemvIsa::kPortable, cpu::GemvIsa::kAvx2, cpu::GemvIsa::kAvx512}) {
      if (!cpu::gemv_isa_available(isa)) continue;
      std::vector<float> y(N, -7.0f);
      cpu::gemv({1, N, K, x.data(), K, DType::kF16, w.data(), K, y.data(), N}, pool, isa);
      INFO("x scale " << big << ", gemv kernel " << static_cast<int>(isa));
      for (int64_t n = 0; n < N; ++n) {
        INFO("row " << n);
        CHECK(std::isfinite(y[n]));
        // f32 accumulation of K products: error relative to the largest product.
        CHECK(std::fabs(y[n] - want[n]) <= 1e-5 * scale * K);
      }
    }
  }
}

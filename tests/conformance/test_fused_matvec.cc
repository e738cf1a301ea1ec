// Conformance of fused_matvec (the decode GEMV with the RMSNorm before it and the residual add,
// SwiGLU or RoPE + KV append after it) against a float64 chain of the separate ops' math, on
// every backend that offers it; the CPU does not, and says so.
#include <catch2/catch.hpp>
#include <cmath>

#include "backend/registry.h"
#include "conformance/conformance.h"
#include "conformance/reference_ops1.h"
#include "core/error.h"
#include "ops/fused_matvec.h"
#include "test_util.h"

using namespace loka;
using namespace loka::test;

namespace {

constexpr double kEps = 1e-5;

Backend& host() {
  static const std::shared_ptr<Backend> cpu = create_backend(parse_device("cpu"));
  return *cpu;
}

// y = W (norm(x) if g given) + bias, in float64 from the exact inputs.
std::vector<double> ref_projection(const std::vector<double>& x, const std::vector<double>& w,
                                   const std::vector<double>* g, const std::vector<double>* bias) {
  const size_t k = x.size(), n = w.size() / k;
  const std::vector<double> a = g ? ref_rms_norm(x, *g, kEps) : x;
  std::vector<double> y(n);
  for (size_t r = 0; r < n; ++r) {
    double s = 0.0;
    for (size_t i = 0; i < k; ++i) s += w[r * k + i] * a[i];
    y[r] = s + (bias ? (*bias)[r] : 0.0);
  }
  return y;
}

struct Inputs {
  Tensor x, w, g, bias;  // host
  std::vector<double> xd, wd, gd, bd;
};

Inputs make_inputs(DType wdt, int64_t n, int64_t k, bool with_bias, uint64_t seed) {
  Inputs in;
  in.x = random_tensor(DType::kF32, {1, k}, seed, -2.0, 2.0);
  in.w = random_tensor(wdt, {n, k}, seed + 1, -0.5, 0.5);
  in.g = random_tensor(DType::kF32, {k}, seed + 2, 0.5, 1.5);
  in.xd = to_f64(host(), in.x), in.wd = to_f64(host(), in.w), in.gd = to_f64(host(), in.g);
  if (with_bias) {
    in.bias = random_tensor(DType::kF32, {n}, seed + 3);
    in.bd = to_f64(host(), in.bias);
  }
  return in;
}

// Backends that run fused_matvec; the CPU must say it does not (the model then runs the ops).
std::vector<std::shared_ptr<Backend>> fused_backends(const ops::FusedMatVec& probe_on_host) {
  std::vector<std::shared_ptr<Backend>> out;
  for (auto& be : conformance_backends()) {
    if (be->device().is_host()) {
      CHECK_FALSE(ops::fused_matvec_supported(*be, probe_on_host));
      CHECK_THROWS_MATCHES(ops::fused_matvec(*be, probe_on_host), Error,
                           Catch::Matchers::Predicate<Error>(
                               [](const Error& e) { return e.code() == ErrorCode::kUnsupported; }));
    } else {
      out.push_back(be);
    }
  }
  if (out.empty()) WARN("fused_matvec: no backend here offers it (" << cuda_unavailable_reason() << ")");
  return out;
}

double silu(double v) { return v / (1.0 + std::exp(-v)); }

}  // namespace

TEST_CASE("conformance: fused_matvec store, accumulate, SwiGLU", "[conformance][fused_matvec]") {
  const Inputs probe = make_inputs(DType::kBF16, 8, 64, false, 1);
  const Tensor probe_out = Tensor::empty(DType::kF32, {1, 8});
  for (auto& be : fused_backends({.x = probe.x, .weight = probe.w, .out = probe_out})) {
    for (DType wdt : {DType::kBF16, DType::kF16, DType::kF32}) {
      // K past one pass of the block (128 threads x 8) with a remainder; N with a partial block;
      // N of more four-row quads than an H100 holds blocks at once (two quads a block, an odd
      // count of quads).
      for (const auto& [n, k] :
           std::vector<std::pair<int64_t, int64_t>>{{37, 1032}, {8, 64}, {130, 4096}, {4994, 72}}) {
        for (bool norm : {false, true}) {
          for (bool bias : {false, true}) {
            const Inputs in = make_inputs(wdt, n, k, bias, static_cast<uint64_t>(n * k + norm));
            const std::string name = "N=" + std::to_string(n) + " K=" + std::to_string(k) +
                                     (norm ? " norm" : "") + (bias ? " bias" : "");
            const std::vector<double> y = ref_projection(in.xd, in.wd, norm ? &in.gd : nullptr,
                                                         bias ? &in.bd : nullptr);
            ops::FusedMatVec f{.x = to_backend(*be, in.x), .weight = to_backend(*be, in.w),
                               .norm_weight = norm ? to_backend(*be, in.g) : Tensor(),
                               .eps = static_cast<float>(kEps),
                               .bias = bias ? to_backend(*be, in.bias) : Tensor()};
            const Tolerance tol = tolerance_for(DType::kF32, 10.0);

            f.out = be->alloc(DType::kF32, {1, n});
            ops::fused_matvec(*be, f);
            expect_close("fused_matvec store", name, wdt, *be, to_f64(*be, f.out), y, tol);

            const Tensor start = random_tensor(DType::kF32, {1, n}, 99);
            be->copy(start, f.out);
            f.epilogue = MatVecEpilogue::kAccumulate;
            ops::fused_matvec(*be, f);
            std::vector<double> acc = to_f64(*be, start);
            for (int64_t i = 0; i < n; ++i) acc[i] += y[i];
            expect_close("fused_matvec accumulate", name, wdt, *be, to_f64(*be, f.out), acc, tol);

            if (n % 2 == 0) {
              f.out = be->alloc(DType::kF32, {1, n / 2});
              f.epilogue = MatVecEpilogue::kSwiGLU;
              ops::fused_matvec(*be, f);
              std::vector<double> want(n / 2);
              for (int64_t i = 0; i < n / 2; ++i) want[i] = silu(y[i]) * y[n / 2 + i];
              expect_close("fused_matvec swiglu", name, wdt, *be, to_f64(*be, f.out), want, tol);
            }
          }
        }
      }
    }
    // A bf16 result is rounded once, at the end.
    const Inputs in = make_inputs(DType::kBF16, 64, 512, false, 7);
    const ops::FusedMatVec f{.x = to_backend(*be, in.x), .weight = to_backend(*be, in.w),
                             .norm_weight = to_backend(*be, in.g), .eps = static_cast<float>(kEps),
                             .out = be->alloc(DType::kBF16, {1, 64})};
    ops::fused_matvec(*be, f);
    expect_close("fused_matvec store", "bf16 out", DType::kBF16, *be, to_f64(*be, f.out),
                 ref_projection(in.xd, in.wd, &in.gd, nullptr), tolerance_for(DType::kBF16));
  }
}

TEST_CASE("conformance: fused_matvec RoPE + KV append", "[conformance][fused_matvec]") {
  const int64_t hq = 4, hkv = 2, d = 64, k = 256, capacity = 1000;
  const int64_t n = (hq + 2 * hkv) * d;
  const Inputs probe = make_inputs(DType::kBF16, n, k, false, 3);
  const ops::FusedMatVec host_probe{
      .x = probe.x, .weight = probe.w, .epilogue = MatVecEpilogue::kRopeKv,
      .out = Tensor::empty(DType::kF32, {1, hq * d}), .positions = int_tensor({1}, {3}),
      .k_table = Tensor::empty(DType::kF32, {capacity, hkv, d}),
      .v_table = Tensor::empty(DType::kF32, {capacity, hkv, d})};
  RopeParams llama3{.theta = 500000.0, .scaling = RopeScaling::kLlama3, .factor = 8.0,
                    .original_max_position = 64};
  RopeParams yarn{.theta = 10000.0, .scaling = RopeScaling::kYarn, .factor = 4.0,
                  .original_max_position = 128};
  RopeParams interleaved{.layout = RopeLayout::kInterleaved};
  for (auto& be : fused_backends(host_probe)) {
    // q (rotated) to out, k (rotated) and v to cache row pos, every other row untouched.
    const auto check = [&](int64_t heads, int64_t kv_heads, int64_t kk, const std::string& rope_name,
                           const RopeParams& rope, int32_t pos, bool bias, DType tdt) {
      const int64_t rows = (heads + 2 * kv_heads) * d, kv_width = kv_heads * d;
      const Inputs in = make_inputs(DType::kBF16, rows, kk, bias, static_cast<uint64_t>(pos + 17));
      const std::string name = rope_name + " heads=" + std::to_string(heads) + "/" + std::to_string(kv_heads) +
                               " pos=" + std::to_string(pos) + (bias ? " bias" : "") + " cache " +
                               std::string(dtype_name(tdt));
      std::vector<double> y = ref_projection(in.xd, in.wd, &in.gd, bias ? &in.bd : nullptr);
      const std::vector<double> qk(y.begin(), y.begin() + (heads + kv_heads) * d);
      const std::vector<double> rotated = ref_rope(qk, {pos}, heads + kv_heads, d, rope);
      const Tensor k_start = random_tensor(tdt, {capacity, kv_heads, d}, 5);
      const Tensor v_start = random_tensor(tdt, {capacity, kv_heads, d}, 6);
      ops::FusedMatVec f{.x = to_backend(*be, in.x), .weight = to_backend(*be, in.w),
                         .norm_weight = to_backend(*be, in.g), .eps = static_cast<float>(kEps),
                         .bias = bias ? to_backend(*be, in.bias) : Tensor(),
                         .epilogue = MatVecEpilogue::kRopeKv,
                         .out = be->alloc(DType::kF32, {1, heads * d}),
                         .positions = to_backend(*be, int_tensor({1}, {pos})), .rope = rope,
                         .k_table = to_backend(*be, k_start), .v_table = to_backend(*be, v_start)};
      ops::fused_matvec(*be, f);
      const Tolerance tol = tolerance_for(DType::kF32, 10.0);
      expect_close("fused_matvec rope_kv q", name, tdt, *be, to_f64(*be, f.out),
                   std::vector<double>(rotated.begin(), rotated.begin() + heads * d), tol);
      std::vector<double> want_k = to_f64(*be, k_start), want_v = to_f64(*be, v_start);
      for (int64_t i = 0; i < kv_width; ++i) {
        want_k[pos * kv_width + i] = rotated[heads * d + i];
        want_v[pos * kv_width + i] = y[(heads + kv_heads) * d + i];
      }
      const Tolerance ttol = tdt == DType::kF32 ? tol : tolerance_for(tdt);
      expect_close("fused_matvec rope_kv k", name, tdt, *be, to_f64(*be, f.k_table), want_k, ttol);
      expect_close("fused_matvec rope_kv v", name, tdt, *be, to_f64(*be, f.v_table), want_v, ttol);
    };
    for (DType tdt : {DType::kF32, DType::kBF16}) {
      for (const auto& [rope_name, rope] : std::vector<std::pair<std::string, RopeParams>>{
               {"neox", RopeParams{}}, {"llama3", llama3}, {"yarn", yarn}, {"interleaved", interleaved}}) {
        for (int32_t pos : {0, 5, 999}) {
          for (bool bias : {false, true}) check(hq, hkv, k, rope_name, rope, pos, bias, tdt);
        }
      }
    }
    // More four-row quads than an H100 holds blocks at once: two quads a block.
    check(64, 8, 64, "neox", RopeParams{}, 5, false, DType::kF32);
    check(64, 8, 64, "interleaved", interleaved, 5, true, DType::kF32);
    // A position outside the cache is an error naming it, and the tables are left alone.
    const Inputs in = make_inputs(DType::kBF16, n, k, false, 11);
    const Tensor k_start = random_tensor(DType::kF32, {capacity, hkv, d}, 5);
    const ops::FusedMatVec f{.x = to_backend(*be, in.x), .weight = to_backend(*be, in.w),
                             .epilogue = MatVecEpilogue::kRopeKv,
                             .out = be->alloc(DType::kF32, {1, hq * d}),
                             .positions = to_backend(*be, int_tensor({1}, {static_cast<int32_t>(capacity)})),
                             .k_table = to_backend(*be, k_start), .v_table = to_backend(*be, k_start)};
    CHECK_THROWS_WITH(
        [&] {
          ops::fused_matvec(*be, f);
          be->synchronize();
        }(),
        Catch::Contains("1000") && Catch::Contains("outside"));
    CHECK(to_f64(*be, f.k_table) == to_f64(*be, k_start));
  }
}

TEST_CASE("fused_matvec: invalid arguments are named", "[ops][fused_matvec]") {
  const Inputs in = make_inputs(DType::kBF16, 16, 64, false, 2);
  ops::FusedMatVec f{.x = in.x, .weight = in.w, .out = Tensor::empty(DType::kF32, {1, 16})};
  Backend& cpu = host();
  f.x = Tensor::empty(DType::kF32, {1, 32});
  CHECK_THROWS_WITH(ops::fused_matvec(cpu, f), Catch::Contains("differ in K"));
  f.x = in.x;
  f.norm_weight = Tensor::empty(DType::kF32, {63});
  CHECK_THROWS_WITH(ops::fused_matvec(cpu, f), Catch::Contains("norm_weight"));
  f.norm_weight = Tensor();
  f.epilogue = MatVecEpilogue::kSwiGLU;
  CHECK_THROWS_WITH(ops::fused_matvec(cpu, f), Catch::Contains("[1, 8]"));
  f.epilogue = MatVecEpilogue::kAccumulate;
  f.out = f.x.reshape({64}).slice(0, 0, 16).reshape({1, 16});
  CHECK_THROWS_WITH(ops::fused_matvec(cpu, f), Catch::Contains("overlaps"));
  f.out = Tensor::empty(DType::kF32, {1, 16});
  f.epilogue = MatVecEpilogue::kRopeKv;
  f.positions = int_tensor({1}, {0});
  f.k_table = Tensor::empty(DType::kF32, {4, 1, 6});
  f.v_table = Tensor::empty(DType::kF32, {4, 1, 6});
  CHECK_THROWS_WITH(ops::fused_matvec(cpu, f), Catch::Contains("do not split"));
}

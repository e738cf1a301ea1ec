// Conformance of attention (grouped-query heads, causal mask, KV-cache views)
// against an explicit float64 softmax(q k^T scale + mask) v.
#include <catch2/catch.hpp>
#include <cmath>

#include "conformance/conformance.h"
#include "conformance/reference_ops2.h"
#include "ops/attention.h"

using namespace loka;
using namespace loka::test;

namespace {

struct Inputs {
  Tensor q, k, v;
};

Inputs make_inputs(DType qt, DType kvt, const AttentionDims& a, uint64_t seed, double range) {
  return {random_tensor(qt, {a.t, a.hq, a.d}, seed, -range, range),
          random_tensor(kvt, {a.s, a.hkv, a.d}, seed + 1, -range, range),
          random_tensor(kvt, {a.s, a.hkv, a.dv}, seed + 2)};
}

/// Runs attention on `be` with host tensors q, k, v and checks it against the reference.
void check_attention(Backend& be, const std::string& name, const Inputs& in,
                     const AttentionDims& a, const AttentionParams& p) {
  const double scale = p.scale == 0.0f ? 1.0 / std::sqrt(double(a.d)) : double(p.scale);
  const auto want =
      ref_attention(to_f64(be, in.q), to_f64(be, in.k), to_f64(be, in.v), a, scale, p.causal);
  Tensor got = ops::attention(be, to_backend(be, in.q), to_backend(be, in.k),
                              to_backend(be, in.v), p);
  REQUIRE(got.dtype() == in.q.dtype());
  REQUIRE(got.shape() == Shape{a.t, a.hq, a.dv});
  expect_close("attention", name, in.q.dtype(), be, to_f64(be, got), want,
               tolerance_for(in.q.dtype()));
}

std::string describe(const AttentionDims& a) {
  return "T=" + std::to_string(a.t) + " S=" + std::to_string(a.s) + " Hq=" +
         std::to_string(a.hq) + " Hkv=" + std::to_string(a.hkv) + " D=" + std::to_string(a.d);
}

}  // namespace

TEST_CASE("conformance: attention", "[conformance][attention]") {
  // Decode (T = 1), whole-prompt prefill (T = S) and a prefill chunk after a
  // cached prefix (T < S).
  const std::vector<std::pair<int64_t, int64_t>> ts = {{1, 1}, {1, 17}, {1, 300},
                                                       {5, 5}, {33, 33}, {5, 17}};
  for (auto& be : conformance_backends()) {
    for (DType dt : {DType::kF32, DType::kF16, DType::kBF16}) {
      for (const auto& [t, s] : ts) {
        for (int64_t d : {64, 80, 128}) {
          for (int64_t group : {1, 4, 8}) {
            const AttentionDims a{t, s, 2 * group, 2, d, d};
            const Inputs in = make_inputs(dt, dt, a, static_cast<uint64_t>(t * 1000 + s + d), 1.5);
            check_attention(*be, describe(a), in, a, AttentionParams{});
          }
        }
      }
    }
  }
}

TEST_CASE("conformance: attention variants", "[conformance][attention]") {
  for (auto& be : conformance_backends()) {
    // Not causal; an explicit scale that makes the softmax sharp (logits up to ~40).
    const AttentionDims a{7, 40, 8, 2, 64, 64};
    check_attention(*be, "not causal", make_inputs(DType::kF32, DType::kF32, a, 1, 1), a,
                    AttentionParams{0.0f, false});
    check_attention(*be, "scale 1", make_inputs(DType::kF32, DType::kF32, a, 2, 1), a,
                    AttentionParams{1.0f, true});
    // Mixed dtypes: f32 queries over a bf16 or f16 cache; bf16 queries over f32.
    const AttentionDims b{3, 65, 4, 1, 128, 128};
    check_attention(*be, "f32 q, bf16 kv", make_inputs(DType::kF32, DType::kBF16, b, 3, 1), b, {});
    check_attention(*be, "f32 q, f16 kv", make_inputs(DType::kF32, DType::kF16, b, 4, 1), b, {});
    check_attention(*be, "bf16 q, f32 kv", make_inputs(DType::kBF16, DType::kF32, b, 5, 1), b, {});
    // A value head size different from the key head size (as in DeepSeek MLA).
    const AttentionDims c{4, 9, 4, 4, 96, 64};
    check_attention(*be, "D=96 Dv=64", make_inputs(DType::kF32, DType::kF32, c, 6, 1), c, {});
    // A long decode row: many key blocks, online rescaling across them.
    const AttentionDims e{1, 2049, 8, 1, 128, 128};
    check_attention(*be, "S=2049", make_inputs(DType::kBF16, DType::kBF16, e, 7, 2), e, {});
    // Decode with head size 256, two query heads per key/value head, not causal, a sharp
    // softmax, f16 keys and values under f32 queries.
    const AttentionDims f{1, 700, 4, 2, 256, 256};
    check_attention(*be, "D=256 group 2", make_inputs(DType::kF32, DType::kF16, f, 8, 1), f,
                    AttentionParams{1.0f / 8.0f, false});
    // Decode rows over enough key/value heads and keys that a Hopper GPU merges each head's
    // splits inside a cluster of blocks: Llama-3-8B's heads; 8 query heads per key/value head
    // of size 256; 16 key/value heads of one query head each.
    const AttentionDims g{1, 640, 32, 8, 128, 128};
    check_attention(*be, "32/8 heads S=640", make_inputs(DType::kBF16, DType::kBF16, g, 9, 1.5), g, {});
    const AttentionDims h{1, 1000, 64, 8, 256, 256};
    check_attention(*be, "64/8 heads D=256 S=1000", make_inputs(DType::kF32, DType::kF32, h, 10, 1.5), h, {});
    const AttentionDims i{1, 777, 16, 16, 64, 64};
    check_attention(*be, "16/16 heads S=777", make_inputs(DType::kF16, DType::kF16, i, 11, 1.5), i, {});
  }
}

TEST_CASE("conformance: attention allowed reduced precision (tensor cores)",
          "[conformance][attention]") {
  // low_precision lets a backend round q, k, v and the probabilities to bf16 (CUDA's
  // prefill kernel on tensor cores does, from 16 queries up): bf16's tolerance on f32 data.
  for (auto& be : conformance_backends()) {
    const auto check = [&](const AttentionDims& a, const Inputs& in, bool causal, const std::string& note) {
      const double scale = 1.0 / std::sqrt(double(a.d));
      const auto want = ref_attention(to_f64(*be, in.q), to_f64(*be, in.k), to_f64(*be, in.v),
                                      a, scale, causal);
      Tensor got = ops::attention(*be, to_backend(*be, in.q), to_backend(*be, in.k),
                                  to_backend(*be, in.v),
                                  AttentionParams{.causal = causal, .low_precision = true});
      expect_close("attention_lowp", describe(a) + (causal ? " causal" : "") + note, DType::kF32, *be,
                   to_f64(*be, got), want, tolerance_for(DType::kBF16));
    };
    for (const auto& [t, s] : std::vector<std::pair<int64_t, int64_t>>{{16, 16}, {64, 101}, {130, 130}}) {
      // 64 and 128 as they are; 16 and 80 padded with zero columns to 64 and 128.
      for (int64_t d : {16, 64, 80, 128}) {
        for (bool causal : {true, false}) {
          const AttentionDims a{t, s, 8, 2, d, d};
          check(a, make_inputs(DType::kF32, DType::kF32, a, static_cast<uint64_t>(t + s + d), 1.5), causal, "");
        }
      }
    }
    // Head size 256 (CUDA: the 256-column tile). Its f32 inputs are values bf16 holds exactly,
    // so rounding q, k and v changes nothing and what remains against float64 is the
    // probabilities' rounding: with arbitrary f32 inputs the roundings of q, k, v and p add
    // up past bf16's one-rounding tolerance over 256 columns (1.8e-2 against 1.6e-2).
    const auto widened = [&](const Tensor& x) { return tensor_from(DType::kF32, x.shape(), to_f64(*be, x)); };
    for (const auto& [t, s] : std::vector<std::pair<int64_t, int64_t>>{{16, 16}, {64, 101}}) {
      for (bool causal : {true, false}) {
        const AttentionDims a{t, s, 8, 2, 256, 256};
        const Inputs b = make_inputs(DType::kBF16, DType::kBF16, a, static_cast<uint64_t>(t + s + 256), 1.5);
        check(a, Inputs{widened(b.q), widened(b.k), widened(b.v)}, causal, " bf16 values");
      }
    }
  }
}

TEST_CASE("conformance: attention of f32 inputs into a 16-bit output",
          "[conformance][attention]") {
  // As in a 16-bit model's forward pass on a device: f32 queries and KV cache, the output in
  // the o GEMM's dtype, which must be the f32 output rounded once. A decode step, a short
  // chunk and a prefill chunk (CUDA: the decode, split-key and tensor-core kernels).
  for (auto& be : conformance_backends()) {
    for (DType ot : {DType::kBF16, DType::kF16}) {
      for (const auto& [t, s] : std::vector<std::pair<int64_t, int64_t>>{{1, 300}, {5, 17}, {64, 101}}) {
        const AttentionDims a{t, s, 8, 2, 128, 128};
        const std::string name = describe(a) + " f32 -> " + std::string(dtype_name(ot));
        const Inputs in = make_inputs(DType::kF32, DType::kF32, a, static_cast<uint64_t>(61 + t), 1.5);
        const Tensor q = to_backend(*be, in.q), k = to_backend(*be, in.k), v = to_backend(*be, in.v);
        // What a 16-bit model asks for: bf16 inputs allowed (so bf16's tolerance).
        const AttentionParams p{.low_precision = true};
        const Shape shape{t, a.hq, a.dv};
        const Tensor out = be->alloc(ot, shape), wide = be->alloc(DType::kF32, shape);
        ops::attention(*be, q, k, v, p, &out);
        ops::attention(*be, q, k, v, p, &wide);
        const auto want = ref_attention(to_f64(*be, in.q), to_f64(*be, in.k), to_f64(*be, in.v), a,
                                        1.0 / std::sqrt(128.0), true);
        expect_close("attention_lowp", name, ot, *be, to_f64(*be, out), want,
                     tolerance_for(DType::kBF16));
        expect_identical("attention_lowp", name, *be, to_f64(*be, out), rounded_to(*be, wide, ot));
      }
    }
  }
}

TEST_CASE("conformance: attention over a strided KV cache view", "[conformance][attention]") {
  // K and V side by side in one [max_seq, 2, Hkv, D] cache; the first S
  // positions of each, as [S, Hkv, D] views with a row stride of 2 * Hkv * D.
  auto be = conformance_backends().front();
  const int64_t max_seq = 64, hkv = 2, d = 64;
  const AttentionDims a{3, 20, 8, hkv, d, d};
  for (DType dt : {DType::kF32, DType::kBF16}) {
    Tensor cache = random_tensor(dt, {max_seq, 2, hkv, d}, 9);
    Tensor k = cache.select(1, 0).slice(0, 0, a.s), v = cache.select(1, 1).slice(0, 0, a.s);
    REQUIRE_FALSE(k.is_contiguous());
    Tensor q = random_tensor(dt, {a.t, a.hq, d}, 10);
    const auto want = ref_attention(to_f64(*be, q), to_f64(*be, k), to_f64(*be, v), a,
                                    1.0 / std::sqrt(double(d)), true);
    Tensor out = be->alloc(dt, {a.t, a.hq, d});
    Tensor got = ops::attention(*be, q, k, v, {}, &out);
    REQUIRE(got.data() == out.data());
    expect_close("attention", "strided kv", dt, *be, to_f64(*be, got), want, tolerance_for(dt));
  }
}

TEST_CASE("attention rejects bad shapes", "[attention]") {
  auto be = conformance_backends().front();
  auto z = [](Shape s, DType dt = DType::kF32) { return Tensor::zeros(dt, s); };
  Tensor q = z({2, 8, 64}), k = z({5, 2, 64}), v = z({5, 2, 64});
  REQUIRE_THROWS_WITH(ops::attention(*be, z({2, 6, 64}), z({5, 4, 64}), z({5, 4, 64}), {}),
                      Catch::Contains("not a multiple of kv heads"));
  REQUIRE_THROWS_WITH(ops::attention(*be, q, z({5, 2, 32}), v, {}),
                      Catch::Contains("head size of k"));
  REQUIRE_THROWS_WITH(ops::attention(*be, q, k, z({4, 2, 64}), {}),
                      Catch::Contains("k and v differ"));
  REQUIRE_THROWS_WITH(ops::attention(*be, z({6, 8, 64}), k, v, {}),
                      Catch::Contains("at least as many kv positions"));
  REQUIRE_NOTHROW(ops::attention(*be, z({6, 8, 64}), k, v, AttentionParams{0.0f, false}));
  REQUIRE_THROWS_WITH(ops::attention(*be, z({2, 8, 64}, DType::kI32), k, v, {}),
                      Catch::Contains("dtype i32"));
  REQUIRE_THROWS_WITH(ops::attention(*be, z({8, 64}), k, v, {}), Catch::Contains("rank 3"));
  REQUIRE_THROWS_WITH(ops::attention(*be, q, z({0, 2, 64}), z({0, 2, 64}), {}),
                      Catch::Contains(">= 1"));
  REQUIRE_THROWS_WITH(ops::attention(*be, q, z({5, 64, 2}).transpose(1, 2), v, {}),
                      Catch::Contains("not contiguous in its last dimension"));
  REQUIRE_THROWS_WITH(ops::attention(*be, q, k, v, AttentionParams{NAN, true}),
                      Catch::Contains("not finite"));
  Tensor wrong = z({2, 8, 32}), int_out = z({2, 8, 64}, DType::kI32);
  REQUIRE_THROWS_WITH(ops::attention(*be, q, k, v, {}, &wrong), Catch::Contains("output"));
  REQUIRE_THROWS_WITH(ops::attention(*be, q, k, v, {}, &int_out), Catch::Contains("dtype i32"));
}

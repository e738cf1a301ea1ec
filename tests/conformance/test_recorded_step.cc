// Conformance of what a recorded decode step needs: attention over the first kv_len rows of
// a cache (the length read when the op runs), set_rows, and Backend::capture replaying both
// with tensor contents changed between replays.
#include <catch2/catch.hpp>
#include <cmath>
#include <cstring>

#include "conformance/conformance.h"
#include "conformance/reference_ops2.h"
#include "ops/attention.h"
#include "ops/set_rows.h"

using namespace loka;
using namespace loka::test;

namespace {

// The reference over the first `len` cache rows, as an attention of S = len.
std::vector<double> want_attention(Backend& be, const Tensor& q, const Tensor& k,
                                   const Tensor& v, int64_t len, bool causal) {
  const AttentionDims a{q.dim(0), len, q.dim(1), k.dim(1), q.dim(2), v.dim(2)};
  return ref_attention(to_f64(be, q), to_f64(be, k.slice(0, 0, len)),
                       to_f64(be, v.slice(0, 0, len)), a, 1.0 / std::sqrt(double(q.dim(2))),
                       causal);
}

void write_i32(Backend& be, const Tensor& dst, std::vector<int32_t> values) {
  be.copy(int_tensor({static_cast<int64_t>(values.size())}, values), dst);
}

// table with rows[t] at indices[t], in float64, from the host copies.
std::vector<double> want_set_rows(std::vector<double> table, const std::vector<double>& rows,
                                  const std::vector<int32_t>& indices, int64_t width) {
  for (size_t t = 0; t < indices.size(); ++t) {
    for (int64_t j = 0; j < width; ++j) {
      table[static_cast<size_t>(indices[t] * width + j)] = rows[t * width + static_cast<size_t>(j)];
    }
  }
  return table;
}

}  // namespace

TEST_CASE("conformance: attention over kv_len rows of a cache", "[conformance][attention]") {
  const int64_t capacity = 300;
  for (auto& be : conformance_backends()) {
    for (DType dt : {DType::kF32, DType::kBF16}) {
      const Tensor k = random_tensor(dt, {capacity, 2, 64}, 21, -1.5, 1.5);
      const Tensor v = random_tensor(dt, {capacity, 2, 64}, 22);
      const Tensor kd = to_backend(*be, k), vd = to_backend(*be, v);
      const Tensor len = be->alloc(DType::kI32, {1});
      for (const auto& [t, l] : std::vector<std::pair<int64_t, int64_t>>{
               {1, 1}, {1, 17}, {1, 300}, {5, 17}, {3, 260}}) {
        for (bool causal : {true, false}) {
          const Tensor q = random_tensor(dt, {t, 8, 64}, static_cast<uint64_t>(t + l), -1.5, 1.5);
          write_i32(*be, len, {static_cast<int32_t>(l)});
          const Tensor got = ops::attention(*be, to_backend(*be, q), kd, vd,
                                            AttentionParams{.causal = causal}, nullptr, &len);
          expect_close("attention_kv_len",
                       "T=" + std::to_string(t) + " L=" + std::to_string(l) + " of " +
                           std::to_string(capacity) + (causal ? " causal" : ""),
                       dt, *be, to_f64(*be, got), want_attention(*be, q, k, v, l, causal),
                       tolerance_for(dt));
        }
      }
    }
  }
}

TEST_CASE("conformance: attention over kv_len rows of a long cache, 8 key/value heads",
          "[conformance][attention]") {
  // The splits of a head cover the capacity; most of them are empty for a short length.
  const int64_t capacity = 640;
  for (auto& be : conformance_backends()) {
    const Tensor k = random_tensor(DType::kF32, {capacity, 8, 128}, 23, -1.5, 1.5);
    const Tensor v = random_tensor(DType::kF32, {capacity, 8, 128}, 24);
    const Tensor kd = to_backend(*be, k), vd = to_backend(*be, v);
    const Tensor len = be->alloc(DType::kI32, {1});
    for (int64_t l : {1, 33, 600, 640}) {
      const Tensor q = random_tensor(DType::kF32, {1, 32, 128}, static_cast<uint64_t>(l), -1.5, 1.5);
      write_i32(*be, len, {static_cast<int32_t>(l)});
      const Tensor got = ops::attention(*be, to_backend(*be, q), kd, vd, AttentionParams{}, nullptr, &len);
      expect_close("attention_kv_len", "32/8 heads L=" + std::to_string(l) + " of 640", DType::kF32,
                   *be, to_f64(*be, got), want_attention(*be, q, k, v, l, true),
                   tolerance_for(DType::kF32));
    }
  }
}

TEST_CASE("conformance: set_rows", "[conformance][set_rows]") {
  for (auto& be : conformance_backends()) {
    for (DType dt : {DType::kF32, DType::kF16, DType::kBF16}) {
      const Tensor table0 = random_tensor(dt, {10, 2, 3}, 31);
      const Tensor rows = random_tensor(dt, {3, 2, 3}, 32);
      const std::vector<int32_t> idx = {7, 0, 9};
      // Before the op: on the CPU, to_backend hands back table0 itself, updated in place.
      const auto want = want_set_rows(to_f64(*be, table0), to_f64(*be, rows), idx, 6);
      const Tensor table = to_backend(*be, table0);
      ops::set_rows(*be, to_backend(*be, rows), to_backend(*be, int_tensor({3}, idx)), table);
      expect_close("set_rows", "3 of 10 rows", dt, *be, to_f64(*be, table), want, Tolerance{0.0});
    }
  }
}

TEST_CASE("conformance: set_rows into several tables at once", "[conformance][set_rows]") {
  // Keys and values of different widths and tables of different heights, one index list.
  for (auto& be : conformance_backends()) {
    const Tensor keys0 = random_tensor(DType::kBF16, {12, 4}, 41);
    const Tensor values0 = random_tensor(DType::kBF16, {9, 6}, 42);
    const Tensor k = random_tensor(DType::kBF16, {2, 4}, 43), v = random_tensor(DType::kBF16, {2, 6}, 44);
    const std::vector<int32_t> idx = {8, 3};
    const auto want_k = want_set_rows(to_f64(*be, keys0), to_f64(*be, k), idx, 4);
    const auto want_v = want_set_rows(to_f64(*be, values0), to_f64(*be, v), idx, 6);
    const Tensor rows[] = {to_backend(*be, k), to_backend(*be, v)};
    const Tensor tables[] = {to_backend(*be, keys0), to_backend(*be, values0)};
    ops::set_rows(*be, rows, to_backend(*be, int_tensor({2}, idx)), tables);
    expect_close("set_rows", "2 pairs", DType::kBF16, *be, to_f64(*be, tables[0]), want_k, Tolerance{0.0});
    expect_close("set_rows", "2 pairs", DType::kBF16, *be, to_f64(*be, tables[1]), want_v, Tolerance{0.0});
    // An index past the shorter table is an error for the whole op, before any row moves.
    if (be->device().is_host()) {
      const std::vector<double> before = to_f64(*be, tables[0]);
      REQUIRE_THROWS_WITH(ops::set_rows(*be, rows, int_tensor({2}, {10, 0}), tables),
                          Catch::Contains("indices[0] = 10 is outside the table's 9 rows"));
      CHECK(to_f64(*be, tables[0]) == before);
    }
    const Tensor one[] = {rows[0]};
    REQUIRE_THROWS_WITH(ops::set_rows(*be, one, to_backend(*be, int_tensor({2}, idx)), tables),
                        Catch::Contains("1 row sets for 2 tables"));
  }
}

TEST_CASE("set_rows rejects bad arguments", "[set_rows]") {
  auto be = conformance_backends().front();
  const Tensor table = Tensor::zeros(DType::kF32, {4, 3});
  const Tensor rows = Tensor::zeros(DType::kF32, {2, 3});
  REQUIRE_THROWS_WITH(ops::set_rows(*be, rows, int_tensor({2}, {1, 4}), table),
                      Catch::Contains("indices[1] = 4 is outside the table's 4 rows"));
  REQUIRE_THROWS_WITH(ops::set_rows(*be, rows, int_tensor({2}, {-1, 0}), table),
                      Catch::Contains("indices[0] = -1"));
  REQUIRE_THROWS_WITH(ops::set_rows(*be, rows, int_tensor({1}, {0}), table),
                      Catch::Contains("1 indices for 2 rows"));
  REQUIRE_THROWS_WITH(ops::set_rows(*be, Tensor::zeros(DType::kF32, {2, 4}), int_tensor({2}, {0, 1}), table),
                      Catch::Contains("do not fit"));
  REQUIRE_THROWS_WITH(ops::set_rows(*be, Tensor::zeros(DType::kBF16, {2, 3}), int_tensor({2}, {0, 1}), table),
                      Catch::Contains("dtype"));
  const Tensor len = int_tensor({1}, {0});
  const Tensor z = Tensor::zeros(DType::kF32, {5, 2, 8});
  REQUIRE_THROWS_WITH(ops::attention(*be, Tensor::zeros(DType::kF32, {1, 2, 8}), z, z, {}, nullptr, &len),
                      Catch::Contains("kv_len 0 is outside [1, 5]"));
  const Tensor long_len = int_tensor({1}, {6});
  REQUIRE_THROWS_WITH(ops::attention(*be, Tensor::zeros(DType::kF32, {1, 2, 8}), z, z, {}, nullptr, &long_len),
                      Catch::Contains("kv_len 6 is outside [1, 5]"));
}

TEST_CASE("conformance: a captured step replays with new tensor contents",
          "[conformance][capture]") {
  // A decode step in miniature: append k/v rows at a position, attend over the grown cache.
  const int64_t capacity = 40, hkv = 2, d = 64;
  for (auto& be : conformance_backends()) {
    const Tensor k_host = random_tensor(DType::kF32, {capacity, hkv, d}, 41, -1.5, 1.5);
    const Tensor v_host = random_tensor(DType::kF32, {capacity, hkv, d}, 42);
    const Tensor q_host = random_tensor(DType::kF32, {1, 8, d}, 43, -1.5, 1.5);
    // The cache starts as zeros; each step writes row `pos` from k_host / v_host.
    const Tensor kc = to_backend(*be, Tensor::zeros(DType::kF32, {capacity, hkv, d}));
    const Tensor vc = to_backend(*be, Tensor::zeros(DType::kF32, {capacity, hkv, d}));
    const Tensor k_new = be->alloc(DType::kF32, {1, hkv, d}), v_new = be->alloc(DType::kF32, {1, hkv, d});
    const Tensor q = to_backend(*be, q_host);
    const Tensor step = be->alloc(DType::kI32, {2});  // position, kv_len
    const Tensor pos = step.slice(0, 0, 1), len = step.slice(0, 1, 2);
    const Tensor out = be->alloc(DType::kF32, {1, 8, d});
    auto work = be->capture([&] {
      ops::set_rows(*be, k_new, pos, kc);
      ops::set_rows(*be, v_new, pos, vc);
      ops::attention(*be, q, kc, vc, {}, &out, &len);
    });
    for (int32_t p = 0; p < 25; ++p) {
      be->copy(k_host.slice(0, p, p + 1), k_new);
      be->copy(v_host.slice(0, p, p + 1), v_new);
      write_i32(*be, step, {p, p + 1});
      work->replay();
      if (p % 6 != 0) continue;
      expect_close("captured_step", "replay " + std::to_string(p), DType::kF32, *be,
                   to_f64(*be, out), want_attention(*be, q_host, k_host, v_host, p + 1, true),
                   tolerance_for(DType::kF32));
    }
  }
}

TEST_CASE("set_rows on a device reports a bad index at the next synchronize",
          "[conformance][set_rows]") {
  for (auto& be : conformance_backends()) {
    if (be->device().is_host()) continue;  // the host front end checks before the op runs
    const Tensor table = be->alloc(DType::kF32, {4, 3});
    const Tensor rows = to_backend(*be, Tensor::zeros(DType::kF32, {2, 3}));
    const Tensor indices = to_backend(*be, int_tensor({2}, {1, 9}));
    ops::set_rows(*be, rows, indices, table);
    REQUIRE_THROWS_WITH(be->synchronize(), Catch::Contains("indices[1] = 9 is outside the table's 4 rows"));
    REQUIRE_NOTHROW(be->synchronize());  // reported once
  }
}

// Conformance of embedding (row gather + dtype conversion), and its errors.
#include <catch2/catch.hpp>

#include "conformance/conformance.h"
#include "core/error.h"
#include "ops/embedding.h"

using namespace loka;
using namespace loka::test;

namespace {

std::vector<int32_t> ids_for(int64_t count, int64_t vocab) {
  std::vector<int32_t> ids(static_cast<size_t>(count));
  for (int64_t i = 0; i < count; ++i) ids[i] = static_cast<int32_t>((i * 7 + 3) % vocab);
  if (count > 1) ids[1] = static_cast<int32_t>(vocab - 1);  // the last row too
  return ids;
}

// Widening (or same-dtype) conversions are exact; narrowing rounds once.
bool exact_conversion(DType table, DType out) { return table == out || out == DType::kF32; }

}  // namespace

TEST_CASE("conformance: embedding", "[conformance][embedding]") {
  const std::vector<std::pair<int64_t, int64_t>> tables = {{50, 1}, {50, 7}, {33, 129}, {7, 1500}, {5, 4096}};
  const std::vector<Shape> id_shapes = {{1}, {3}, {17}, {2, 3}, {}};
  constexpr DType kTypes[] = {DType::kF32, DType::kF16, DType::kBF16};
  for (auto& be : conformance_backends()) {
    for (DType tt : kTypes) {
      for (DType ot : kTypes) {
        for (const auto& [vocab, d] : tables) {
          Tensor table = random_tensor(tt, {vocab, d}, 41);
          const auto tv = to_f64(*be, table);
          for (const Shape& is : id_shapes) {
            const auto ids = ids_for(shape_numel(is), vocab);
            std::vector<double> want;
            for (int32_t id : ids) {
              want.insert(want.end(), tv.begin() + id * d, tv.begin() + (id + 1) * d);
            }
            Tensor got = ops::embedding(*be, to_backend(*be, table),
                                        to_backend(*be, int_tensor(is, ids)), ot);
            Shape want_shape = is;
            want_shape.push_back(d);
            REQUIRE(got.shape() == want_shape);
            REQUIRE(got.dtype() == ot);
            const std::string name =
                "table " + std::string(dtype_name(tt)) + Shape{vocab, d}.str() + " ids " + is.str();
            const auto values = to_f64(*be, got);
            expect_close("embedding", name, ot, *be, values, want, tolerance_for(ot));
            if (exact_conversion(tt, ot)) CHECK(max_rel_error(values, want) == 0.0);
          }
        }
      }
    }
  }
}

TEST_CASE("embedding rejects out-of-range ids and bad arguments", "[embedding]") {
  auto be = conformance_backends().front();
  Tensor table = random_tensor(DType::kBF16, {10, 4}, 1);
  const auto run = [&](const Shape& s, const std::vector<int32_t>& ids) {
    return ops::embedding(*be, table, int_tensor(s, ids));
  };
  REQUIRE_THROWS_WITH(run({4}, {0, 9, 10, 1}),
                      Catch::Contains("id 10 at ids[2]") && Catch::Contains("[0, 10)"));
  REQUIRE_THROWS_WITH(run({2, 3}, {0, 1, 2, 3, -1, 5}), Catch::Contains("id -1 at ids[1, 1]"));
  REQUIRE_THROWS_WITH(run({1}, {2147483647}), Catch::Contains("id 2147483647"));
  try {
    run({1}, {10});
    FAIL("no error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kInvalidArgument);
  }
  REQUIRE_THROWS_WITH(ops::embedding(*be, table, Tensor::zeros(DType::kF32, {3})),
                      Catch::Contains("'ids'"));
  REQUIRE_THROWS_WITH(ops::embedding(*be, table, int_tensor({1}, {0}), DType::kI32),
                      Catch::Contains("out_dtype i32"));
  REQUIRE_THROWS_WITH(
      ops::embedding(*be, random_tensor(DType::kF32, {10}, 2), int_tensor({1}, {0})),
      Catch::Contains("'table'"));
  REQUIRE_THROWS_WITH(ops::embedding(*be, Tensor::zeros(DType::kF32, {0, 4}), int_tensor({1}, {0})),
                      Catch::Contains("no rows"));
}

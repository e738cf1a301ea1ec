// Conformance of add and mul (with trailing broadcast) against float64.
#include <catch2/catch.hpp>

#include "conformance/conformance.h"
#include "ops/binary.h"

using namespace loka;
using namespace loka::test;

TEST_CASE("conformance: add and mul", "[conformance][binary]") {
  const std::vector<std::pair<Shape, Shape>> shapes = {
      {{7}, {7}}, {{3, 129}, {129}}, {{2, 5, 33}, {5, 33}}, {{64, 64}, {64, 64}}};
  for (auto& be : conformance_backends()) {
    for (DType dt : {DType::kF32, DType::kF16, DType::kBF16}) {
      for (const auto& [sa, sb] : shapes) {
        Tensor a = random_tensor(dt, sa, 1), b = random_tensor(dt, sb, 2);
        const auto av = to_f64(*be, a), bv = to_f64(*be, b);
        std::vector<double> sum(av.size()), prod(av.size());
        for (size_t i = 0; i < av.size(); ++i) {
          sum[i] = av[i] + bv[i % bv.size()];
          prod[i] = av[i] * bv[i % bv.size()];
        }
        Tensor da = to_backend(*be, a), db = to_backend(*be, b);
        expect_close("add", sa.str(), dt, *be, to_f64(*be, ops::add(*be, da, db)), sum,
                     tolerance_for(dt));
        expect_close("mul", sa.str(), dt, *be, to_f64(*be, ops::mul(*be, da, db)), prod,
                     tolerance_for(dt));
      }
    }
  }
}

TEST_CASE("binary ops reject shapes that do not broadcast", "[binary]") {
  auto be = conformance_backends().front();
  Tensor a = random_tensor(DType::kF32, {3, 4}, 1), b = random_tensor(DType::kF32, {3}, 2);
  REQUIRE_THROWS_WITH(ops::add(*be, a, b), Catch::Contains("does not broadcast"));
  Tensor i = Tensor::zeros(DType::kI32, {4});
  REQUIRE_THROWS_WITH(ops::mul(*be, a, i), Catch::Contains("dtype i32"));
}

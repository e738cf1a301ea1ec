// Tensor construction, views, layout queries and shape overflow checks.
#include <catch2/catch.hpp>
#include <cstring>
#include <numeric>

#include "core/error.h"
#include "core/tensor.h"

using namespace loka;

TEST_CASE("owned tensors are contiguous and 64-byte aligned", "[core][tensor]") {
  Tensor t = Tensor::empty(DType::kBF16, {3, 5});
  CHECK(t.is_contiguous());
  CHECK(t.is_aligned(kHostAlignment));
  CHECK(t.nbytes() == 30);
  CHECK(t.strides() == Strides{5, 1});
  CHECK(t.storage_kind() == StorageKind::kOwned);
  CHECK(t.describe() == "bf16[3, 5] cpu");
}

TEST_CASE("views share storage and index correctly", "[core][tensor]") {
  Tensor t = Tensor::empty(DType::kI32, {4, 3});
  std::iota(t.data_as<int32_t>(), t.data_as<int32_t>() + 12, 0);

  Tensor row = t.select(0, 2);
  CHECK(row.shape() == Shape{3});
  CHECK(row.data_as<int32_t>()[0] == 6);

  Tensor cols = t.slice(1, 1, 3);
  CHECK(cols.shape() == Shape{4, 2});
  CHECK_FALSE(cols.is_contiguous());
  Tensor packed = cols.contiguous();
  const int32_t* p = packed.data_as<int32_t>();
  CHECK(std::vector<int32_t>(p, p + 8) == std::vector<int32_t>{1, 2, 4, 5, 7, 8, 10, 11});

  Tensor tr = t.transpose(0, 1).contiguous();
  CHECK(tr.shape() == Shape{3, 4});
  CHECK(tr.data_as<int32_t>()[1] == 3);
  CHECK(tr.data_as<int32_t>()[4] == 1);

  Tensor r = t.reshape({2, 6});
  CHECK(r.data() == t.data());
  CHECK_THROWS_WITH(t.reshape({5, 2}), Catch::Contains("cannot reshape"));
  CHECK_THROWS_WITH(cols.reshape({8}), Catch::Contains("non-contiguous"));
  CHECK_THROWS_WITH(t.slice(0, 2, 5), Catch::Contains("out of range"));
  CHECK_THROWS_WITH(t.select(2, 0), Catch::Contains("out of range"));
}

TEST_CASE("borrowed tensors keep their owner alive", "[core][tensor]") {
  auto owner = std::make_shared<std::vector<float>>(std::vector<float>{1, 2, 3, 4});
  std::weak_ptr<std::vector<float>> weak = owner;
  Tensor t = Tensor::borrow(DType::kF32, {2, 2}, owner->data(), owner);
  owner.reset();
  REQUIRE_FALSE(weak.expired());
  CHECK(t.data_as<float>()[3] == 4.0f);
  CHECK(t.storage_kind() == StorageKind::kBorrowed);
  t = Tensor();
  CHECK(weak.expired());
}

TEST_CASE("shape products that overflow are rejected", "[core][shape]") {
  CHECK_THROWS_WITH(shape_numel({int64_t{1} << 40, int64_t{1} << 40}),
                    Catch::Contains("overflows"));
  CHECK_THROWS_WITH(shape_numel({3, -1}), Catch::Contains("negative"));
  CHECK_THROWS_AS(Tensor::empty(DType::kF32, {int64_t{1} << 62, 4}), Error);
  Shape s;
  for (int i = 0; i < kMaxDims; ++i) s.push_back(1);
  CHECK_THROWS_WITH(s.push_back(1), Catch::Contains("dimensions"));
}

TEST_CASE("dtype table sizes", "[core][dtype]") {
  CHECK(dtype_bytes(DType::kBF16, 7) == 14u);
  CHECK(dtype_bytes(DType::kQ8_0, 64) == 68u);
  CHECK(dtype_bytes(DType::kQ4_K, 512) == 288u);
  CHECK_FALSE(dtype_bytes(DType::kQ8_0, 33).has_value());
  CHECK_FALSE(dtype_bytes(DType::kF64, uint64_t{1} << 62).has_value());
  CHECK(dtype_from_name("bf16") == DType::kBF16);
  CHECK_FALSE(dtype_from_name("f128").has_value());
  CHECK_THROWS_WITH(Tensor::empty(DType::kQ8_0, {2, 33}), Catch::Contains("block"));
}

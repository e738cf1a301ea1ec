// GgufFile on hand-made corrupted files: each defect gives Error(kFormat) naming the file and
// the field or offset, through both load paths; truncations and random mutations never crash.
#include <catch2/catch.hpp>

#include "formats/test_gguf_corrupt_util.h"

using namespace loka;
using namespace loka::gguf_test;

TEST_CASE("gguf corrupt: the hand-made sample itself is valid", "[gguf]") {
  const Sample s = make_sample();
  const test::TempFile file = test::temp_file_with(s.bytes, ".gguf");
  const GgufFile f = GgufFile::open(file.path());
  CHECK(f.num_metadata() == 6);
  CHECK(f.get_array("tok.list").string_at(2) == "def");
  CHECK(f.get_array("nested").at(1).as_ints() == std::vector<int64_t>{3});
  REQUIRE(f.tensors().size() == 2);
  CHECK(f.tensor_info("w").shape == Shape{2, 4});
  CHECK(f.data_offset() % 32 == 0);
  CHECK(f.data_offset() >= s.end_of_infos);
  CHECK(f.tensor("q").dtype() == DType::kQ8_0);
}

TEST_CASE("gguf corrupt: every truncation is a format error", "[gguf]") {
  const Sample s = make_sample();
  for (size_t n = 0; n < s.bytes.size(); ++n) {
    INFO("truncated to " << n << " bytes");
    format_error(s.bytes.substr(0, n));
  }
  expect_error(s.bytes.substr(0, s.end_of_infos + 1), {"data section", "starts at byte offset"});
  expect_error(s.bytes.substr(0, s.bytes.size() - 1), {"tensor 'q' data", "past the end"});
}

TEST_CASE("gguf corrupt: header", "[gguf]") {
  const Sample s = make_sample();
  std::string b = s.bytes;
  b[3] = 'X';
  expect_error(b, {"magic at byte offset 0", "47 47 55 58"});
  for (uint32_t v : {1u, 4u, 0u}) {
    b = s.bytes;
    patch<uint32_t>(b, s.version, v);
    expect_error(b, {"version at byte offset 4", ("GGUF version " + std::to_string(v)).c_str()});
  }
  b = s.bytes;
  patch<uint32_t>(b, s.version, 0x03000000u);
  expect_error(b, {"big-endian"});
}

TEST_CASE("gguf corrupt: absurd counts are rejected before allocating", "[gguf]") {
  const Sample s = make_sample();
  const auto with_u64 = [&](uint64_t off, uint64_t v) {
    std::string b = s.bytes;
    patch<uint64_t>(b, off, v);
    return b;
  };
  expect_error(with_u64(s.tensor_count, uint64_t{1} << 60),
               {"tensor_count", "larger than the file"});
  expect_error(with_u64(s.kv_count, ~uint64_t{0}), {"kv_count", "larger than the file"});
  expect_error(with_u64(s.tokens_len, uint64_t{1} << 59), {"'tok.list' array length"});
  const uint64_t third_len = s.tokens_len + 8 + (8 + 1) + (8 + 2);  // the length of "def"
  expect_error(with_u64(third_len, 1u << 30),
               {"'tok.list' element 2 string bytes", std::to_string(third_len).c_str()});
  expect_error(with_u64(s.arch_value_len, ~uint64_t{0}), {"'general.architecture' string bytes"});
  expect_error(with_u64(s.arch_key, uint64_t{1} << 62), {"metadata entry 0 key", "byte offset 32"});
  expect_error(with_u64(s.w_info, 1u << 20), {"tensor info 0 name"});
}

TEST_CASE("gguf corrupt: tensor dims and types", "[gguf]") {
  const Sample s = make_sample();
  std::string b = s.bytes;
  patch<uint32_t>(b, s.w_ndims, 5);
  expect_error(b, {"tensor 'w' n_dims", "5 dimensions, more than 4"});
  b = s.bytes;
  patch<uint64_t>(b, s.w_ne0, uint64_t{1} << 40);
  patch<uint64_t>(b, s.w_ne1, uint64_t{1} << 40);
  expect_error(b, {"tensor 'w' dims", "overflows"});
  b = s.bytes;
  patch<uint64_t>(b, s.w_ne1, uint64_t{1} << 63);
  expect_error(b, {"tensor 'w' ne[1]", "too large"});
  b = s.bytes;
  patch<uint64_t>(b, s.w_ne0, uint64_t{1} << 61);  // element count fits, byte size does not
  expect_error(b, {"tensor 'w'"});
  for (uint32_t t : {4u, 31u, 36u, 42u, 1000u}) {
    b = s.bytes;
    patch<uint32_t>(b, s.w_type, t);
    expect_error(b, {"tensor 'w' type", ("unknown ggml type id " + std::to_string(t)).c_str(),
                     ("byte offset " + std::to_string(s.w_type)).c_str()});
  }
  b = s.bytes;
  patch<uint64_t>(b, s.q_ne0, 16);
  expect_error(b, {"tensor 'q' ne[0]", "not a multiple of the q8_0 block size 32"});
}

TEST_CASE("gguf corrupt: tensor offsets, overlap and duplicates", "[gguf]") {
  const Sample s = make_sample();
  std::string b = s.bytes;
  patch<uint64_t>(b, s.q_offset, uint64_t{1} << 20);
  expect_error(
      b, {"tensor 'q' data", "past the end", ("byte offset " + std::to_string(s.q_info)).c_str()});
  b = s.bytes;
  patch<uint64_t>(b, s.q_offset, ~uint64_t{31});
  expect_error(b, {"tensor 'q' data", "past the end"});
  b = s.bytes;
  patch<uint64_t>(b, s.q_offset, 8);
  expect_error(b, {"tensor 'q' offset", "not a multiple of the alignment 32"});
  b = s.bytes;
  patch<uint64_t>(b, s.q_offset, 0);
  expect_error(b, {"overlap tensor 'w'"});
  b = s.bytes;
  b[s.q_name] = 'w';
  const std::string first_at = "(first at byte offset " + std::to_string(s.w_info) + ")";
  expect_error(b, {"tensor 'w'", "duplicate tensor name", first_at.c_str()});
}

// GgufFile on corrupted metadata (keys, value types, alignment, nesting), edge cases that
// are valid, and random mutations of a valid file that must never crash.
#include <random>

#include "formats/test_gguf_corrupt_util.h"

using namespace loka;
using namespace loka::gguf_test;

TEST_CASE("gguf corrupt: duplicate and non-UTF-8 keys and names", "[gguf]") {
  const Sample s = make_sample();
  std::string b = s.bytes;
  b.replace(s.numbers_key + 8, 8, "tok.list");  // "num.list" -> "tok.list"
  expect_error(b, {"metadata key 'tok.list'", "duplicate key (first at byte offset"});
  b = s.bytes;
  b[s.arch_key + 8 + 3] = '\xFF';
  expect_error(b, {"metadata entry 0 key", "not valid UTF-8",
                   ("byte offset " + std::to_string(s.arch_key)).c_str()});
  b = s.bytes;
  b[s.q_name] = '\xC3';  // a truncated two-byte sequence
  expect_error(b, {"tensor info 1 name", "not valid UTF-8"});
}

TEST_CASE("gguf corrupt: value types and bools", "[gguf]") {
  const Sample s = make_sample();
  std::string b = s.bytes;
  patch<uint32_t>(b, s.value_type, 13);
  expect_error(b, {"'general.architecture' value type", "unknown value type id 13"});
  b = s.bytes;
  patch<uint32_t>(b, s.nested_elem_type, 99);
  expect_error(b, {"'nested' array element type", "unknown value type id 99"});
  b = s.bytes;
  b[s.bool_value] = 2;
  expect_error(b, {"'flag' bool", "neither 0 nor 1"});
}

TEST_CASE("gguf corrupt: general.alignment", "[gguf]") {
  for (uint32_t bad : {0u, 48u, 3u}) {
    const Sample s = make_sample();
    std::string b = s.bytes;
    patch<uint32_t>(b, s.alignment_value, bad);
    expect_error(b, {"'general.alignment'", "not a non-zero power of two"});
  }
  // A valid alignment that the tensor offsets do not respect.
  Sample s = make_sample();
  patch<uint32_t>(s.bytes, s.alignment_value, 64);
  expect_error(s.bytes, {"tensor 'q' offset", "not a multiple of the alignment 64"});

  GgufWriter w;
  w.header(3, 0, 1).key("general.alignment", kU64).u64(32);
  expect_error(w.bytes(), {"'general.alignment'", "has type uint64, expected uint32"});
}

TEST_CASE("gguf corrupt: arrays nested too deep", "[gguf]") {
  GgufWriter w;
  w.header(3, 0, 1).key("deep", kArray);
  for (int i = 0; i < 9; ++i) w.u32(kArray).u64(1);
  w.u32(kU8).u64(0);
  expect_error(w.bytes(), {"'deep' array", "nested deeper than 8"});
}

TEST_CASE("gguf: valid edge cases parse", "[gguf]") {
  GgufWriter w;
  w.header(2, 2, 5);
  w.key("empty.strings", kArray).u32(kString).u64(0);
  w.key("empty.nested", kArray).u32(kArray).u64(0);
  w.key("empty.string", kString).str("");
  w.key("", kU8).u8(7);  // an empty key is valid UTF-8
  w.key("general.alignment", kU32).u32(1);
  w.tensor_info("zero", {0, 3}, kGgmlF32, 0);
  w.tensor_info("odd", {2}, kGgmlF32, 1);  // alignment 1: a misaligned f32 tensor
  std::string b = w.bytes();
  const uint64_t odd = (b.size() + 1) % 4 == 0 ? 2 : 1;  // file offset not a multiple of 4
  patch<uint64_t>(b, b.size() - 8, odd);
  b += std::string(odd + 8, '\0');
  const test::TempFile file = test::temp_file_with(b, ".gguf");
  const GgufFile f = GgufFile::open(file.path());
  CHECK(f.version() == 2);
  CHECK(f.alignment() == 1);
  CHECK(f.get_array("empty.strings").size() == 0);
  CHECK(f.get_array("empty.strings").as_strings().empty());
  CHECK(f.get_array("empty.nested").size() == 0);
  CHECK(f.get_string("empty.string").empty());
  CHECK(f.get_int("") == 7);
  CHECK(f.tensor("zero").numel() == 0);
  CHECK(f.tensor("zero").shape() == Shape{3, 0});
  try {
    f.tensor("odd");
    FAIL("expected a misalignment error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kFormat);
    CHECK_THAT(std::string(e.what()), Catch::Contains("tensor 'odd' data at byte offset") &&
                                          Catch::Contains("not aligned to 4 bytes"));
  }

  // A file without tensors may end right after its metadata (as the vocab files do).
  GgufWriter bare;
  bare.header(3, 0, 1).key("k", kString).str("v");
  const test::TempFile bare_file = test::temp_file_with(bare.bytes(), ".gguf");
  const GgufFile g = GgufFile::open(bare_file.path());
  CHECK(g.data_offset() == 32 * ((bare.size() + 31) / 32));
  CHECK(g.data_offset() > bare.size());
}

TEST_CASE("gguf corrupt: random mutations never crash or read out of bounds", "[gguf]") {
  const Sample s = make_sample();
  std::mt19937 rng(1234);
  std::uniform_int_distribution<size_t> pos(0, s.bytes.size() - 1);
  std::uniform_int_distribution<int> byte(0, 255), count(1, 4);
  const test::TempFile file(".gguf");
  int parsed = 0, rejected = 0;
  for (int iter = 0; iter < 1500; ++iter) {
    std::string b = s.bytes;
    for (int k = count(rng); k > 0; --k) {
      // Favour the values that matter most: 0, 0xFF and small numbers.
      const int r = byte(rng);
      b[pos(rng)] = static_cast<char>(r < 64 ? 0 : r < 128 ? 0xFF : r < 160 ? r % 8 : r);
    }
    file.write(b);
    try {
      const GgufFile f = GgufFile::open(file.path());
      ++parsed;
      for (size_t i = 0; i < f.num_metadata(); ++i) {
        const GgufValue v = f.metadata(i);
        if (v.is_array() && v.elem_type() == GgufType::kString) (void)v.as_strings();
      }
      for (const GgufTensorInfo& t : f.tensors()) {
        try {
          const Tensor x = f.tensor(t.name);
          CHECK(x.nbytes() == t.nbytes);
        } catch (const Error& e) {
          CHECK(e.code() != ErrorCode::kInternal);
        }
      }
    } catch (const Error& e) {
      ++rejected;
      REQUIRE(e.code() == ErrorCode::kFormat);
      REQUIRE_THAT(std::string(e.what()), Catch::Contains(file.path()));
    }
  }
  CHECK(parsed > 0);
  CHECK(rejected > 0);
}

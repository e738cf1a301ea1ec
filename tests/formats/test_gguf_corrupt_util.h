// A valid hand-made GGUF sample with the offsets of its fields, and helpers that expect
// Error(kFormat) from a corrupted copy through both load paths.
#pragma once

#include <catch2/catch.hpp>
#include <string>

#include "core/error.h"
#include "formats/gguf_file.h"
#include "formats/gzip_file.h"
#include "formats/test_gguf_util.h"

namespace loka::gguf_test {

constexpr uint32_t kU8 = 0, kU32 = 4, kI32 = 5, kBool = 7, kString = 8, kArray = 9, kU64 = 10;
constexpr uint32_t kGgmlF32 = 0, kGgmlQ8_0 = 8;

// A valid file, with the offsets of the fields the tests corrupt.
struct Sample {
  std::string bytes;
  uint64_t version, tensor_count, kv_count;
  uint64_t arch_key, arch_value_len, value_type, alignment_value, tokens_len, numbers_key,
      nested_elem_type, bool_value;
  uint64_t w_info, w_name, w_ndims, w_ne0, w_ne1, w_type, w_offset, q_info, q_name, q_ne0, q_offset;
  uint64_t end_of_infos;
};

inline Sample make_sample(uint32_t alignment = 32) {
  Sample s{};
  GgufWriter w;
  w.raw("GGUF");
  s.version = w.size();
  w.u32(3);
  s.tensor_count = w.size();
  w.u64(2);
  s.kv_count = w.size();
  w.u64(6);
  s.arch_key = w.size();
  w.str("general.architecture");
  s.value_type = w.size();
  w.u32(kString);
  s.arch_value_len = w.size();
  w.str("test");
  w.key("general.alignment", kU32);
  s.alignment_value = w.size();
  w.u32(alignment);
  w.key("tok.list", kArray).u32(kString);
  s.tokens_len = w.size();
  w.u64(3).str("a").str("bc").str("def");
  s.numbers_key = w.size();
  w.key("num.list", kArray).u32(kI32).u64(3).u32(1).u32(2).u32(3);
  w.key("nested", kArray).u32(kArray).u64(2);
  s.nested_elem_type = w.size();
  w.u32(kU8).u64(2).u8(1).u8(2).u32(kU8).u64(1).u8(3);
  w.key("flag", kBool);
  s.bool_value = w.size();
  w.u8(1);
  s.w_info = w.size();
  s.w_name = s.w_info + 8;
  s.w_ndims = s.w_name + 1;
  s.w_ne0 = s.w_ndims + 4;
  s.w_ne1 = s.w_ne0 + 8;
  s.w_type = s.w_ne1 + 8;
  s.w_offset = s.w_type + 4;
  w.tensor_info("w", {4, 2}, kGgmlF32, 0);
  s.q_info = w.size();
  s.q_name = s.q_info + 8;
  s.q_ne0 = s.q_name + 1 + 4;
  s.q_offset = s.q_ne0 + 16 + 4;
  w.tensor_info("q", {32, 1}, kGgmlQ8_0, 32);
  s.end_of_infos = w.size();
  w.pad_to(alignment);
  std::string data(32 + 34, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 7);
  data[32] = 0;  // q8_0 scale: a finite f16
  data[33] = 0x3c;
  w.raw(data);
  s.bytes = w.bytes();
  return s;
}

// Parses `bytes` through both load paths; returns the message of the kFormat error.
inline std::string format_error(const std::string& bytes) {
  const test::TempFile file = test::temp_file_with(bytes, ".gguf");
  std::string first;
  for (bool use_mmap : {true, false}) {
    FileLoadOptions opts;
    opts.use_mmap = use_mmap;
    try {
      GgufFile::open(file.path(), opts);
      FAIL("expected a format error (" << (use_mmap ? "mmap" : "read") << ")");
    } catch (const Error& e) {
      INFO(e.what());
      CHECK(e.code() == ErrorCode::kFormat);
      CHECK_THAT(std::string(e.what()), Catch::Contains(file.path()));
      if (first.empty()) first = e.what();
      CHECK(first == e.what());
    }
  }
  return first;
}

inline void expect_error(const std::string& bytes, std::initializer_list<const char*> needles) {
  const std::string msg = format_error(bytes);
  INFO(msg);
  for (const char* n : needles) CHECK_THAT(msg, Catch::Contains(n));
}

}  // namespace loka::gguf_test

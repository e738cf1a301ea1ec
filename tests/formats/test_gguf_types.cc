// The ggml type table against the gguf package's GGML_QUANT_SIZES; ReadCursor and UTF-8 checks.
#include <catch2/catch.hpp>
#include <set>

#include "core/error.h"
#include "formats/ggml_types.h"
#include "formats/gguf_value.h"
#include "formats/read_cursor.h"
#include "formats/test_gguf_util.h"

using namespace loka;
using namespace loka::gguf_test;

TEST_CASE("ggml type table matches the gguf package's GGML_QUANT_SIZES", "[gguf]") {
  const nlohmann::json j = load_json(data_dir() + "/ggml_types.json");
  std::set<uint32_t> package_ids;
  for (const auto& row : j.at("types")) {
    INFO(row.dump());
    const uint32_t id = row.at("id").get<uint32_t>();
    package_ids.insert(id);
    const GgmlTypeInfo* info = ggml_type_info(id);
    REQUIRE(info != nullptr);
    CHECK(static_cast<uint32_t>(info->type) == id);
    CHECK(info->name == row.at("name").get<std::string>());
    CHECK(info->block_elems == row.at("block_elems").get<uint32_t>());
    CHECK(info->block_bytes == row.at("block_bytes").get<uint32_t>());
  }
  CHECK(package_ids.size() >= 34);
  for (const GgmlTypeInfo& info : ggml_types()) {
    INFO(info.name);
    CHECK(package_ids.count(static_cast<uint32_t>(info.type)) == 1);
  }
  for (uint32_t id = 0; id < 100; ++id) {
    if (package_ids.count(id) == 0) CHECK(ggml_type_info(id) == nullptr);
  }
  CHECK(ggml_type_info(0xFFFFFFFFu) == nullptr);
}

TEST_CASE("ggml types mapped to a DType share its block layout", "[gguf]") {
  std::set<DType> mapped;
  for (const GgmlTypeInfo& info : ggml_types()) {
    if (!info.dtype) continue;
    INFO(info.name);
    mapped.insert(*info.dtype);
    CHECK(dtype_info(*info.dtype).block_elems == info.block_elems);
    CHECK(dtype_info(*info.dtype).block_bytes == info.block_bytes);
    CHECK(dtype_name(*info.dtype) == info.name);
  }
  CHECK(mapped == std::set<DType>{DType::kF32, DType::kF16, DType::kBF16, DType::kF64, DType::kI8,
                                  DType::kI16, DType::kI32, DType::kI64, DType::kQ8_0,
                                  DType::kQ4_K});
}

TEST_CASE("ggml_nbytes counts whole blocks and rejects overflow", "[gguf]") {
  CHECK(ggml_nbytes(GgmlType::kQ4_K, 512) == 288u);
  CHECK(ggml_nbytes(GgmlType::kQ8_0, 64) == 68u);
  CHECK_FALSE(ggml_nbytes(GgmlType::kQ8_0, 33).has_value());
  CHECK_FALSE(ggml_nbytes(GgmlType::kF64, uint64_t{1} << 62).has_value());
  CHECK(ggml_type_name(GgmlType::kIQ2_XXS) == "iq2_xxs");
}

TEST_CASE("gguf value type names and sizes follow the GGUF spec", "[gguf]") {
  CHECK(gguf_type_name(GgufType::kUint8) == "uint8");
  CHECK(gguf_type_name(GgufType::kArray) == "array");
  CHECK(gguf_type_name(GgufType::kFloat64) == "float64");
  CHECK(gguf_type_name(static_cast<GgufType>(13)) == "unknown");
  CHECK(gguf_type_size(GgufType::kBool) == 1);
  CHECK(gguf_type_size(GgufType::kInt16) == 2);
  CHECK(gguf_type_size(GgufType::kFloat32) == 4);
  CHECK(gguf_type_size(GgufType::kUint64) == 8);
  CHECK(gguf_type_size(GgufType::kString) == 0);
}

TEST_CASE("is_valid_utf8 accepts UTF-8 and rejects malformed sequences", "[gguf]") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain.ascii_key"));
  CHECK(is_valid_utf8("h\xC3\xA9llo \xE2\x9C\x93 \xF0\x9F\x98\x80"));  // é ✓ 😀
  CHECK(is_valid_utf8("\xF4\x8F\xBF\xBF"));                            // U+10FFFF
  CHECK_FALSE(is_valid_utf8("\xFF"));
  CHECK_FALSE(is_valid_utf8("\x80"));              // lone continuation byte
  CHECK_FALSE(is_valid_utf8("\xC3"));              // truncated sequence
  CHECK_FALSE(is_valid_utf8("\xC0\xAF"));          // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xE0\x80\xAF"));      // overlong 3-byte
  CHECK_FALSE(is_valid_utf8("\xED\xA0\x80"));      // surrogate U+D800
  CHECK_FALSE(is_valid_utf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  CHECK_FALSE(is_valid_utf8("a\xE2\x9C"));         // truncated at the end
}

TEST_CASE("ReadCursor reads little-endian values and never past the end", "[gguf]") {
  const uint8_t bytes[] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09};
  ReadCursor c(bytes, sizeof(bytes), "mem.bin");
  CHECK(c.read<uint16_t>("a") == 0x0201);
  CHECK(c.read<uint32_t>("b") == 0x06050403u);
  CHECK(c.offset() == 6);
  CHECK(c.remaining() == 3);
  try {
    c.read<uint64_t>("field x");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kFormat);
    CHECK(std::string(e.what()) ==
          "mem.bin: field x at byte offset 6: needs 8 bytes but only 3 remain (file truncated?)");
  }
  CHECK(c.offset() == 6);  // a failed read does not move
  CHECK_THROWS_AS(c.require_items(2, 2, "items"), Error);
  CHECK_NOTHROW(c.require_items(3, 1, "items"));
  CHECK_THROWS_AS(c.require_items(uint64_t{1} << 63, 8, "items"), Error);
  CHECK_THROWS_AS(c.seek(10, "seek"), Error);
  c.seek(9, "seek");
  CHECK(c.remaining() == 0);
  CHECK(load_le<int16_t>(bytes + 7) == 0x0908);
}

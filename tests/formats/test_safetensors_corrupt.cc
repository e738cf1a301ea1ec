// safetensors reader on malformed and unusual files, each built here byte by byte.
#include <catch2/catch.hpp>

#include <cstring>

#include "core/error.h"
#include "formats/safetensors.h"
#include "formats/test_safetensors_util.h"

using namespace loka;
using st_test::le64;
using st_test::st_image;

namespace {

// Opens `bytes` as a file through both paths; each must throw `code` with a
// message naming the file and containing `needle`.
void expect_error(const std::string& bytes, const std::string& needle,
                  ErrorCode code = ErrorCode::kFormat) {
  st_test::TempDir dir;
  const std::string path = dir.file("bad.safetensors");
  st_test::write_bytes(path, bytes);
  for (const bool use_mmap : {true, false}) {
    INFO("expecting '" << needle << "', mmap=" << use_mmap);
    try {
      (void)SafetensorsFile::open(path, FileLoadOptions{.use_mmap = use_mmap});
      FAIL("no error");
    } catch (const Error& e) {
      INFO("got: " << e.what());
      CHECK(e.code() == code);
      CHECK(std::string(e.what()).find(path) != std::string::npos);
      CHECK(std::string(e.what()).find(needle) != std::string::npos);
    }
  }
}

std::string one(const std::string& entry) { return R"({"t":)" + entry + "}"; }

}  // namespace

TEST_CASE("safetensors: truncated files and bad header lengths", "[safetensors]") {
  expect_error("", "0 bytes, shorter than the 8-byte header length");
  expect_error(std::string("\x10\x00\x00", 3), "3 bytes, shorter than the 8-byte header length");
  expect_error(le64(100) + "{}", "header length 100 at offset 0 runs past the end");
  expect_error(le64(100'000'001) + "{}", "header length 100000001 at offset 0 exceeds the limit");
  expect_error(le64(~uint64_t{0}) + "{}", "exceeds the limit");
  // A valid file cut short inside its data buffer.
  const std::string good =
      st_image(one(R"({"dtype":"F32","shape":[4],"data_offsets":[0,16]})"), std::string(16, 'x'));
  expect_error(good.substr(0, good.size() - 3), "end past the data buffer (13 bytes");
}

TEST_CASE("safetensors: header that is not a JSON object or not UTF-8", "[safetensors]") {
  expect_error(st_image("{\"t\": [1, 2", ""), "invalid JSON near byte offset");
  expect_error(st_image("[1, 2]", ""), "header is JSON array, not an object");
  expect_error(st_image("\"str\"", ""), "header is JSON string, not an object");
  // 0xFF can never start a UTF-8 sequence; it sits at header byte 2 = file offset 10.
  expect_error(st_image("{\"\xff\":{}}", ""), "invalid UTF-8 at byte offset 10");
  // Overlong encoding of '/' and a UTF-16 surrogate encoded as UTF-8.
  expect_error(st_image("{\"\xc0\xaf\":{}}", ""), "invalid UTF-8 at byte offset 10");
  expect_error(st_image("{\"\xed\xa0\x80\":{}}", ""), "invalid UTF-8 at byte offset 10");
  expect_error(st_image(std::string(200, '[') + std::string(200, ']'), ""), "nested deeper");
}

TEST_CASE("safetensors: malformed tensor entries", "[safetensors]") {
  const std::string d8(8, '\0');
  expect_error(st_image(one("[0, 8]"), d8), "tensor 't': entry is JSON array");
  expect_error(st_image(one(R"({"shape":[2],"data_offsets":[0,8]})"), d8), "'dtype' missing");
  expect_error(st_image(one(R"({"dtype":7,"shape":[2],"data_offsets":[0,8]})"), d8),
               "'dtype' missing or not a string");
  expect_error(st_image(one(R"({"dtype":"F128","shape":[2],"data_offsets":[0,8]})"), d8),
               "unknown dtype 'F128'");
  expect_error(st_image(one(R"({"dtype":"f32","shape":[2],"data_offsets":[0,8]})"), d8),
               "unknown dtype 'f32'");
  expect_error(st_image(one(R"({"dtype":"F32","shape":2,"data_offsets":[0,8]})"), d8),
               "'shape' missing or not an array");
  expect_error(st_image(one(R"({"dtype":"F32","shape":[1,-2],"data_offsets":[0,8]})"), d8),
               "shape[1] is -2, negative");
  expect_error(st_image(one(R"({"dtype":"F32","shape":[2.5],"data_offsets":[0,8]})"), d8),
               "shape[0] is JSON floating-point number, not an integer");
  expect_error(st_image(one(R"({"dtype":"F32","shape":["2"],"data_offsets":[0,8]})"), d8),
               "shape[0] is JSON string, not an integer");
  expect_error(
      st_image(one(R"({"dtype":"U8","shape":[3,4294967296,4294967296],"data_offsets":[0,8]})"), d8),
      "element count of shape overflows at shape[2]");
  // 2^63 fits uint64 but not int64.
  expect_error(
      st_image(one(R"({"dtype":"U8","shape":[4294967296,2147483648],"data_offsets":[0,8]})"), d8),
      "element count of shape overflows at shape[1]");
  expect_error(
      st_image(one(R"({"dtype":"U8","shape":[9223372036854775808],"data_offsets":[0,8]})"), d8),
      "overflows at shape[0]");
  // numel fits, numel × 64 bits does not.
  expect_error(
      st_image(one(R"({"dtype":"F64","shape":[2305843009213693952],"data_offsets":[0,8]})"), d8),
      "do not make a whole number of bytes");
}

TEST_CASE("safetensors: bad data_offsets", "[safetensors]") {
  const std::string d8(8, '\0');
  const auto f32x2 = [](const std::string& offsets) {
    return one(R"({"dtype":"F32","shape":[2],"data_offsets":)" + offsets + "}");
  };
  for (const char* offsets : {"[0]", "[0,8,8]", "8", "[0,\"8\"]", "[-1,8]", "[0,8.0]", "null"}) {
    expect_error(st_image(f32x2(offsets), d8), "'data_offsets' is not [begin, end]");
  }
  expect_error(st_image(one(R"({"dtype":"F32","shape":[2]})"), d8), "'data_offsets' is not");
  expect_error(st_image(f32x2("[8,0]"), d8), "data_offsets [8, 0] has begin > end");
  expect_error(st_image(f32x2("[0,4]"), d8), "span 4 bytes but 2 elements of F32 need 8");
  expect_error(st_image(f32x2("[8,16]"), d8), "data_offsets [8, 16] end past the data buffer");
  expect_error(st_image(f32x2("[0,18446744073709551615]"), d8), "span");
  // 3 F4 values are 12 bits: not whole bytes (the reference writer rejects these too).
  expect_error(st_image(one(R"({"dtype":"F4","shape":[3],"data_offsets":[0,2]})"), d8),
               "3 elements of F4 do not make a whole number of bytes");
}

TEST_CASE("safetensors: duplicates, overlap, holes and trailing bytes", "[safetensors]") {
  const std::string a = R"("a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]})";
  const std::string d8(8, '\0');
  expect_error(st_image("{" + a + "," + a + "}", d8), "duplicate key 'a' at /");
  expect_error(st_image(R"({"a":{"dtype":"U8","dtype":"U8","shape":[4],"data_offsets":[0,4]}})",
                        std::string(4, '\0')),
               "duplicate key 'dtype' at /a/dtype");
  expect_error(st_image(R"({"__metadata__":{"k":"1","k":"2"}})", ""), "duplicate key 'k'");
  expect_error(st_image("{" + a + R"(,"b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}})", d8),
               "tensor 'b': data_offsets [2, 6] overlap tensor 'a' [0, 4]");
  expect_error(st_image("{" + a + R"(,"b":{"dtype":"U8","shape":[4],"data_offsets":[0,4]}})", d8),
               "overlap tensor");
  expect_error(st_image("{" + a + R"(,"b":{"dtype":"U8","shape":[3],"data_offsets":[5,8]}})", d8),
               "bytes 4..5 of the data buffer (file offset");
  expect_error(st_image("{" + a + "}", std::string(6, '\0')),
               "the data buffer has 6 bytes but tensors cover 4");
}

TEST_CASE("safetensors: __metadata__ must map strings to strings", "[safetensors]") {
  expect_error(st_image(R"({"__metadata__":["x"]})", ""), "'__metadata__' is JSON array");
  expect_error(st_image(R"({"__metadata__":{"n":1}})", ""),
               "'__metadata__' key 'n' is JSON unsigned integer, not a string");
}

TEST_CASE("safetensors: unusual but valid files", "[safetensors]") {
  st_test::TempDir dir;
  SECTION("no tensors at all") {
    st_test::write_bytes(dir.file("e.safetensors"), st_image("{}", ""));
    const auto f = SafetensorsFile::open(dir.file("e.safetensors"));
    CHECK(f.tensors().empty());
    CHECK(f.metadata().empty());
  }
  SECTION("F6 types are listed with 6 bits per element; Tensor access is unsupported") {
    const std::string h = R"({"x":{"dtype":"F6_E2M3","shape":[2,4],"data_offsets":[0,6]},)"
                          R"("y":{"dtype":"F6_E3M2","shape":[4],"data_offsets":[6,9]}})";
    st_test::write_bytes(dir.file("f6.safetensors"), st_image(h, "abcdefghi"));
    const auto f = SafetensorsFile::open(dir.file("f6.safetensors"));
    CHECK(f.info("x").nbytes() == 6);
    CHECK(f.info("y").nbytes() == 3);
    CHECK(std::string(reinterpret_cast<const char*>(f.tensor_bytes("y").data()), 3) == "ghi");
    REQUIRE_THROWS_MATCHES(f.tensor("x"), Error, Catch::Predicate<Error>([](const Error& e) {
                             return e.code() == ErrorCode::kUnsupported &&
                                    std::string(e.what()).find("F6_E2M3") != std::string::npos;
                           }));
  }
  SECTION("more dimensions than a loka Tensor holds") {
    const std::string h =
        R"({"x":{"dtype":"U8","shape":[1,1,1,1,1,1,1,1,2],"data_offsets":[0,2]}})";
    st_test::write_bytes(dir.file("d9.safetensors"), st_image(h, "ab"));
    const auto f = SafetensorsFile::open(dir.file("d9.safetensors"));
    CHECK(f.info("x").shape.size() == 9);
    REQUIRE_THROWS_MATCHES(f.tensor("x"), Error, Catch::Predicate<Error>([](const Error& e) {
                             return e.code() == ErrorCode::kUnsupported;
                           }));
  }
  SECTION("a misaligned tensor is copied, an aligned one borrowed") {
    // An unpadded header, as old writers made: the F32 after one U8 lands off a
    // 4-byte boundary in the file, hence in memory (mappings and reads start aligned).
    const std::string h = R"({"u":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},)"
                          R"("f":{"dtype":"F32","shape":[2],"data_offsets":[1,9]}})";
    const float vals[2] = {1.5f, -3.25f};
    std::string data = "z" + std::string(reinterpret_cast<const char*>(vals), 8);
    const std::string image = st_image(h, data, /*pad=*/1);
    REQUIRE((8 + h.size() + 1) % 4 != 0);  // "f" starts off a 4-byte boundary
    st_test::write_bytes(dir.file("mis.safetensors"), image);
    for (const bool use_mmap : {true, false}) {
      const auto f =
          SafetensorsFile::open(dir.file("mis.safetensors"), FileLoadOptions{.use_mmap = use_mmap});
      const Tensor t = f.tensor("f");
      CHECK(t.storage_kind() == StorageKind::kOwned);
      CHECK(t.is_aligned(4));
      CHECK(t.data_as<float>()[0] == 1.5f);
      CHECK(t.data_as<float>()[1] == -3.25f);
      CHECK(f.tensor("u").storage_kind() == StorageKind::kBorrowed);
      CHECK(f.tensor("u").data_as<uint8_t>()[0] == 'z');
    }
  }
  SECTION("from_memory parses a buffer and keeps it alive") {
    const std::string h = R"({"x":{"dtype":"I16","shape":[2],"data_offsets":[0,4]}})";
    const int16_t v[2] = {-7, 300};
    auto buf = std::make_shared<std::string>(
        st_image(h, std::string(reinterpret_cast<const char*>(v), 4)));
    Tensor t;
    {
      const auto f = SafetensorsFile::from_memory(reinterpret_cast<const uint8_t*>(buf->data()),
                                                  buf->size(), buf, "memory");
      t = f.tensor("x");
      CHECK(f.file() == nullptr);
    }
    buf.reset();
    CHECK(t.data_as<int16_t>()[0] == -7);
    CHECK(t.data_as<int16_t>()[1] == 300);
  }
}

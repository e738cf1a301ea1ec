// The encrypted manifest: names that could escape a folder, overlaps, out-of-range entries.
#include <catch2/catch.hpp>

#include <cstring>

#include "core/error.h"
#include "seal/manifest.h"

using namespace loka;
using namespace loka::seal;

namespace {

std::vector<uint8_t> payload(std::vector<ManifestEntry> entries) {
  uint64_t size = 0;
  std::vector<uint8_t> m = encode_manifest(entries, &size);
  m.resize(size, 0);
  return m;
}

ErrorCode parse_error(const std::vector<uint8_t>& p, std::string* msg = nullptr) {
  try {
    parse_manifest(p, "m.lks");
  } catch (const Error& e) {
    if (msg) *msg = e.what();
    return e.code();
  }
  return ErrorCode::kInternal;
}

// Rewrites entry 0's offset field (at byte 24).
void set_offset(std::vector<uint8_t>& p, uint64_t v) { std::memcpy(p.data() + 24, &v, 8); }

}  // namespace

TEST_CASE("seal manifest: round trip and layout", "[seal]") {
  const auto p = payload({{"config.json", 0, 10}, {"model.safetensors", 0, 5000}, {"sub/x.txt", 0, 1}});
  const auto e = parse_manifest(p, "m.lks");
  REQUIRE(e.size() == 3);
  CHECK(e[0].name == "config.json");
  CHECK(e[0].offset == 4096);
  CHECK(e[1].offset == 8192);
  CHECK(e[2].offset == 16384);
  CHECK(p.size() == 16385);
}

TEST_CASE("seal manifest: unsafe or inconsistent entries are format errors", "[seal]") {
  for (const char* bad : {"/etc/passwd", "..", "../x", "a/../../x", "a/..", "a\\b"}) {
    std::string msg;
    CHECK(parse_error(payload({{bad, 0, 1}}), &msg) == ErrorCode::kFormat);
    CHECK_THAT(msg, Catch::Contains("entry 0"));
  }
  CHECK(parse_error(payload({{"a", 0, 1}, {"a", 0, 1}})) == ErrorCode::kFormat);
  CHECK(parse_error(payload({{std::string("a\0b", 3), 0, 1}})) == ErrorCode::kFormat);

  auto p = payload({{"a", 0, 100}});
  set_offset(p, 4097);  // unaligned
  CHECK(parse_error(p) == ErrorCode::kFormat);
  set_offset(p, 0);  // overlaps the manifest
  CHECK(parse_error(p) == ErrorCode::kFormat);
  set_offset(p, ~uint64_t{0} - 4095);  // offset + size overflows
  CHECK(parse_error(p) == ErrorCode::kFormat);
  p = payload({{"a", 0, 100}});
  p.resize(4096 + 50);  // entry runs past the payload
  CHECK(parse_error(p) == ErrorCode::kFormat);

  p = payload({{"a", 0, 1}});
  p[8] = 0;  // zero entries
  CHECK(parse_error(p) == ErrorCode::kFormat);
  p = payload({{"a", 0, 1}});
  p[8] = 2;  // more entries than the manifest holds
  CHECK(parse_error(p) == ErrorCode::kFormat);
  p = payload({{"a", 0, 1}});
  p[0] = 'X';
  CHECK(parse_error(p) == ErrorCode::kFormat);
  CHECK(parse_error(std::vector<uint8_t>(10, 0)) == ErrorCode::kFormat);
}

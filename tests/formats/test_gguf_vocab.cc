// GgufFile against the real vocab files in ../shared/testdata/vocab: every key compared with
// the manifests that tools/make_gguf_fixtures.py wrote with the gguf package's GGUFReader.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <numeric>

#include "formats/gguf_file.h"
#include "formats/gzip_file.h"
#include "formats/test_gguf_util.h"

using namespace loka;
using namespace loka::gguf_test;
using nlohmann::json;

namespace {

// crc32 over u32le(len) + bytes of each string, as in the manifest script.
uint32_t string_list_crc(const std::vector<std::string_view>& items) {
  uint32_t crc = 0;
  for (std::string_view s : items) {
    const uint32_t len = static_cast<uint32_t>(s.size());
    crc = crc32_of(&len, 4, crc);
    crc = crc32_of(s.data(), s.size(), crc);
  }
  return crc;
}

void check_elements(const GgufValue& v, uint64_t first, const json& expect) {
  for (size_t k = 0; k < expect.size(); ++k) {
    const GgufValue el = v.at(first + k);
    INFO("element " << first + k);
    if (el.is_string()) {
      CHECK(el.as_string() == expect[k].get<std::string>());
    } else if (el.is_float()) {
      CHECK(el.as_float() == expect[k].get<double>());
    } else if (el.is_bool()) {
      CHECK(el.as_bool() == expect[k].get<bool>());
    } else {
      CHECK(el.as_int() == expect[k].get<int64_t>());
    }
  }
}

void check_array(const GgufValue& v, const json& e) {
  CHECK(gguf_type_name(v.elem_type()) == e.at("elem_type").get<std::string>());
  const uint64_t n = e.at("length").get<uint64_t>();
  REQUIRE(v.size() == n);
  const json& head = e.at("head");
  const json& tail = e.at("tail");
  check_elements(v, 0, head);
  check_elements(v, n - tail.size(), tail);
  if (v.elem_type() == GgufType::kString) {
    const std::vector<std::string_view> items = v.as_strings();
    uint64_t total = 0;
    for (std::string_view s : items) total += s.size();
    CHECK(total == e.at("total_bytes").get<uint64_t>());
    CHECK(string_list_crc(items) == e.at("crc32").get<uint32_t>());
    return;
  }
  const std::span<const uint8_t> raw = v.raw_bytes();
  CHECK(crc32_of(raw.data(), raw.size()) == e.at("crc32").get<uint32_t>());
  if (v.elem_type() == GgufType::kFloat32 || v.elem_type() == GgufType::kFloat64) {
    const std::vector<double> vals = v.as_floats();
    const double sum = std::accumulate(vals.begin(), vals.end(), 0.0);
    CHECK(sum == Approx(e.at("sum").get<double>()).epsilon(1e-9));
  } else {
    const std::vector<int64_t> vals = v.as_ints();
    CHECK(std::accumulate(vals.begin(), vals.end(), int64_t{0}) == e.at("sum").get<int64_t>());
  }
}

void check_key(const GgufValue& v, const json& e) {
  CHECK(v.key() == e.at("key").get<std::string>());
  CHECK(gguf_type_name(v.type()) == e.at("type").get<std::string>());
  if (v.is_array()) {
    check_array(v, e);
  } else if (v.is_string()) {
    const std::string_view s = v.as_string();
    if (e.contains("value")) {
      CHECK(s == e.at("value").get<std::string>());
    } else {
      CHECK(s.size() == e.at("length").get<uint64_t>());
      CHECK(crc32_of(s.data(), s.size()) == e.at("crc32").get<uint32_t>());
      CHECK(s.starts_with(e.at("head").get<std::string>()));
    }
  } else if (v.is_float()) {
    CHECK(v.as_float() == e.at("value").get<double>());
  } else if (v.is_bool()) {
    CHECK(v.as_bool() == e.at("value").get<bool>());
  } else {
    CHECK(v.as_int() == e.at("value").get<int64_t>());
  }
}

void check_vocab_file(const std::string& gguf_path, const json& m, bool use_mmap) {
  FileLoadOptions opts;
  opts.use_mmap = use_mmap;
  const auto start = std::chrono::steady_clock::now();
  const GgufFile f = GgufFile::open(gguf_path, opts);
  const double ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  UNSCOPED_INFO("parsed in " << ms << " ms");
  CHECK(f.bytes()->size() == m.at("file_size").get<uint64_t>());
  CHECK(crc32_of(f.bytes()->data(), f.bytes()->size()) == m.at("file_crc32").get<uint32_t>());
  CHECK(f.version() == m.at("version").get<uint32_t>());
  CHECK(f.tensors().size() == m.at("tensor_count").get<size_t>());
  CHECK(f.alignment() == m.at("alignment").get<uint64_t>());
  CHECK(f.data_offset() == m.at("data_offset").get<uint64_t>());
  const json& keys = m.at("keys");
  REQUIRE(f.num_metadata() == m.at("kv_count").get<size_t>());
  REQUIRE(f.num_metadata() == keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    INFO("key " << keys[i].at("key").get<std::string>());
    check_key(f.metadata(i), keys[i]);
    CHECK(f.find(keys[i].at("key").get<std::string>())->file_offset() ==
          f.metadata(i).file_offset());
  }
}

}  // namespace

TEST_CASE("gguf: real vocab files match the GGUFReader manifests", "[gguf][vocab]") {
  if (!std::filesystem::is_directory(vocab_dir())) {
    WARN("skipping: " << vocab_dir() << " is absent (the shared test data is not checked out)");
    return;
  }
  const std::string manifests = data_dir() + "/vocab-manifest";
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(manifests)) {
    names.push_back(entry.path().string());
  }
  std::sort(names.begin(), names.end());
  REQUIRE(names.size() == 7);
  for (const std::string& manifest_path : names) {
    const json m = load_json(manifest_path);
    const std::string gz = vocab_dir() + "/" + m.at("source").get<std::string>();
    INFO(gz);
    REQUIRE(std::filesystem::exists(gz));
    const test::TempFile plain = test::gunzip_to_temp(gz, ".gguf");
    check_vocab_file(plain.path(), m, true);
    check_vocab_file(plain.path(), m, false);
  }
}

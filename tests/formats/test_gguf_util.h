// Helpers for the GGUF tests: fixture paths, manifests, crc32, and a GGUF byte writer.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <cstring>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

namespace loka::gguf_test {

inline std::string data_dir() { return std::string(LOKA_SOURCE_DIR) + "/tests/data/gguf"; }
inline std::string vocab_dir() { return std::string(LOKA_TESTDATA_DIR) + "/vocab"; }

inline nlohmann::json load_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw std::runtime_error("cannot open " + path);
  return nlohmann::json::parse(in);
}

inline uint32_t crc32_of(const void* data, size_t n, uint32_t crc = 0) {
  return static_cast<uint32_t>(::crc32(crc, static_cast<const Bytef*>(data), static_cast<uInt>(n)));
}

/// Builds GGUF bytes by hand, little-endian, for valid and corrupted files.
class GgufWriter {
 public:
  template <typename T>
  GgufWriter& put(T v) {
    char b[sizeof(T)];
    std::memcpy(b, &v, sizeof(T));  // the test machines are little-endian
    bytes_.append(b, sizeof(T));
    return *this;
  }
  GgufWriter& u8(uint8_t v) { return put(v); }
  GgufWriter& u32(uint32_t v) { return put(v); }
  GgufWriter& u64(uint64_t v) { return put(v); }
  GgufWriter& str(std::string_view s) {
    u64(s.size());
    bytes_.append(s);
    return *this;
  }
  GgufWriter& raw(std::string_view s) {
    bytes_.append(s);
    return *this;
  }
  GgufWriter& header(uint32_t version, uint64_t n_tensors, uint64_t n_kv) {
    return raw("GGUF").u32(version).u64(n_tensors).u64(n_kv);
  }
  /// Key and value type of a metadata entry; the value follows.
  GgufWriter& key(std::string_view k, uint32_t type) { return str(k).u32(type); }
  /// A tensor info: name, dims (ne order: innermost first), ggml type id, data offset.
  GgufWriter& tensor_info(std::string_view name, std::initializer_list<uint64_t> ne, uint32_t type,
                          uint64_t offset) {
    str(name).u32(static_cast<uint32_t>(ne.size()));
    for (uint64_t d : ne) u64(d);
    return u32(type).u64(offset);
  }
  GgufWriter& pad_to(uint64_t alignment) {
    while (bytes_.size() % alignment != 0) bytes_.push_back('\0');
    return *this;
  }

  uint64_t size() const { return bytes_.size(); }
  const std::string& bytes() const { return bytes_; }

 private:
  std::string bytes_;
};

/// Overwrites sizeof(T) bytes at `offset` of `bytes`.
template <typename T>
void patch(std::string& bytes, uint64_t offset, T v) {
  std::memcpy(bytes.data() + offset, &v, sizeof(T));
}

}  // namespace loka::gguf_test

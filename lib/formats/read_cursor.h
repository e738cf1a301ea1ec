// ReadCursor: a bounds-checked little-endian reader over a byte span, for file parsers.
#pragma once

#include <bit>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "core/utf8.h"

namespace loka {

/// Loads a little-endian integer or IEEE float from possibly unaligned memory.
template <typename T>
T load_le(const uint8_t* p) {
  static_assert(std::is_arithmetic_v<T>, "load_le reads integers and floats");
  uint8_t b[sizeof(T)];
  std::memcpy(b, p, sizeof(T));
  if constexpr (std::endian::native == std::endian::big) {
    for (size_t i = 0; i < sizeof(T) / 2; ++i) std::swap(b[i], b[sizeof(T) - 1 - i]);
  }
  T v;
  std::memcpy(&v, b, sizeof(T));
  return v;
}

/// Reads a byte span front to back. Every read checks the bounds first and throws
/// Error(kFormat) naming the source (a file path), the field and the byte offset;
/// nothing is ever read past the end. `field` arguments are only used to build
/// messages on failure, so passing string literals costs nothing.
class ReadCursor {
 public:
  ReadCursor(const uint8_t* data, uint64_t size, std::string source)
      : data_(data), size_(size), source_(std::move(source)) {}

  uint64_t offset() const { return pos_; }
  uint64_t size() const { return size_; }
  uint64_t remaining() const { return size_ - pos_; }
  const uint8_t* data() const { return data_; }
  const std::string& source() const { return source_; }

  /// Throws unless at least `n` bytes remain.
  void require(uint64_t n, std::string_view field) const;
  /// Throws unless `count` items of at least `min_item_bytes` each could fit in the
  /// remaining bytes: call before reserving memory for `count` items.
  void require_items(uint64_t count, uint64_t min_item_bytes, std::string_view field) const;

  template <typename T>
  T read(std::string_view field) {
    require(sizeof(T), field);
    const T v = load_le<T>(data_ + pos_);
    pos_ += sizeof(T);
    return v;
  }
  /// Returns a pointer to the next `n` bytes and moves past them.
  const uint8_t* read_bytes(uint64_t n, std::string_view field);
  std::string_view read_view(uint64_t n, std::string_view field) {
    return {reinterpret_cast<const char*>(read_bytes(n, field)), static_cast<size_t>(n)};
  }
  void skip(uint64_t n, std::string_view field) { read_bytes(n, field); }
  /// Moves to an absolute offset (<= size).
  void seek(uint64_t offset, std::string_view field);

  /// Error(kFormat) "<source>: <field> at byte offset <offset>: <what>".
  [[noreturn]] void fail(std::string_view field, const std::string& what) const {
    fail_at(pos_, field, what);
  }
  [[noreturn]] void fail_at(uint64_t offset, std::string_view field, const std::string& what) const;

 private:
  const uint8_t* data_;
  uint64_t size_;
  uint64_t pos_ = 0;
  std::string source_;
};

}  // namespace loka

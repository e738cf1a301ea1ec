// GGUF metadata values: the value types, compact storage pointing into the file bytes,
// and GgufValue, a cheap read-only view with typed accessors.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace loka {

class ReadCursor;

/// gguf_type ids of metadata values, as stored in the file.
enum class GgufType : uint32_t {
  kUint8 = 0,
  kInt8 = 1,
  kUint16 = 2,
  kInt16 = 3,
  kUint32 = 4,
  kInt32 = 5,
  kFloat32 = 6,
  kBool = 7,
  kString = 8,
  kArray = 9,
  kUint64 = 10,
  kInt64 = 11,
  kFloat64 = 12,
};

/// "uint8", ..., "float64"; "unknown" for ids past kFloat64.
std::string_view gguf_type_name(GgufType t);
/// Bytes of one value of a fixed-size type; 0 for kString and kArray.
uint64_t gguf_type_size(GgufType t);

namespace detail {
/// One parsed value. Nothing is copied out of the file: offsets point into it.
struct GgufNode {
  GgufType type = GgufType::kUint8;
  GgufType elem_type = GgufType::kUint8;  // arrays: type of the elements
  uint64_t offset = 0;  // scalar: the value; string: its bytes; array: its first element
  uint64_t count = 0;   // string: byte length; array: element count
  uint64_t first = 0;   // string array: index into string_offsets; array of arrays: first child
};
}  // namespace detail

/// Parsed metadata of one file. `base` must outlive it (GgufFile holds the bytes).
struct GgufValueStore {
  const uint8_t* base = nullptr;
  std::string source;                    // file path, for messages
  std::vector<detail::GgufNode> nodes;   // elements of arrays of arrays, each array's contiguous
  std::vector<uint64_t> string_offsets;  // elements of string arrays: offset of the u64 length
};

/// Parses a value of `raw_type` at the cursor (which stays within the store's bytes), records
/// string-array and nested-array elements in `store`, and returns the value's node. Throws
/// Error(kFormat) naming the key and offset on any malformed or truncated value.
detail::GgufNode parse_gguf_value(ReadCursor& c, uint32_t raw_type, GgufValueStore& store,
                                  std::string_view key);

/// Read-only view of one metadata value or array element; valid while its GgufFile lives.
/// Accessors of the wrong type throw Error(kFormat) naming the file and the key
/// ("metadata key 'k' has type string, expected an integer").
class GgufValue {
 public:
  GgufValue(const GgufValueStore* store, const detail::GgufNode& node, std::string_view key)
      : store_(store), node_(node), key_(key) {}

  std::string_view key() const { return key_; }
  GgufType type() const { return node_.type; }
  /// Byte offset of the value in the file (of the first element for arrays).
  uint64_t file_offset() const { return node_.offset; }

  bool is_integer() const;  // any of the 8 integer types
  bool is_float() const;    // float32 or float64
  bool is_bool() const { return type() == GgufType::kBool; }
  bool is_string() const { return type() == GgufType::kString; }
  bool is_array() const { return type() == GgufType::kArray; }

  /// Any integer type; a uint64 above INT64_MAX is an error (use as_uint).
  int64_t as_int() const;
  /// Any integer type; a negative value is an error.
  uint64_t as_uint() const;
  /// float32 or float64 (integers are not converted).
  double as_float() const;
  bool as_bool() const;
  /// The bytes as stored; points into the file.
  std::string_view as_string() const;

  /// Arrays only: element type and count.
  GgufType elem_type() const;
  uint64_t size() const;
  /// Element i of an array (any element type, including nested arrays).
  GgufValue at(uint64_t i) const;
  std::string_view string_at(uint64_t i) const;
  /// Whole-array conversions; each requires the matching element family.
  std::vector<std::string_view> as_strings() const;
  std::vector<int64_t> as_ints() const;
  std::vector<double> as_floats() const;
  std::vector<bool> as_bools() const;
  /// Elements of an array of a fixed-size type, little-endian as stored (not aligned).
  std::span<const uint8_t> raw_bytes() const;

 private:
  [[noreturn]] void wrong_type(std::string_view expected) const;
  void require_array(std::string_view elem_family, bool ok) const;

  const GgufValueStore* store_ = nullptr;
  detail::GgufNode node_;
  std::string_view key_;
};

}  // namespace loka

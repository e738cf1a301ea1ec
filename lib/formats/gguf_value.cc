// Typed accessors of GgufValue; names and sizes of GGUF value types.
#include "formats/gguf_value.h"

#include <array>
#include <limits>

#include "core/error.h"
#include "formats/read_cursor.h"

namespace loka {
namespace {

constexpr std::array<std::string_view, 13> kNames = {
    "uint8", "int8",   "uint16", "int16",  "uint32", "int32",  "float32",
    "bool",  "string", "array",  "uint64", "int64",  "float64"};
constexpr std::array<uint8_t, 13> kSizes = {1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8};

bool integer_type(GgufType t) {
  switch (t) {
    case GgufType::kUint8:
    case GgufType::kInt8:
    case GgufType::kUint16:
    case GgufType::kInt16:
    case GgufType::kUint32:
    case GgufType::kInt32:
    case GgufType::kUint64:
    case GgufType::kInt64: return true;
    default: return false;
  }
}

bool float_type(GgufType t) { return t == GgufType::kFloat32 || t == GgufType::kFloat64; }

// Reads an integer of type `t` at `p` as int64, with uint64 kept in `u` when it does not fit.
struct IntValue {
  int64_t i;
  uint64_t u;
  bool is_big_unsigned;  // a uint64 above INT64_MAX
};

IntValue load_int(GgufType t, const uint8_t* p) {
  switch (t) {
    case GgufType::kUint8: return {load_le<uint8_t>(p), 0, false};
    case GgufType::kInt8: return {load_le<int8_t>(p), 0, false};
    case GgufType::kUint16: return {load_le<uint16_t>(p), 0, false};
    case GgufType::kInt16: return {load_le<int16_t>(p), 0, false};
    case GgufType::kUint32: return {load_le<uint32_t>(p), 0, false};
    case GgufType::kInt32: return {load_le<int32_t>(p), 0, false};
    case GgufType::kInt64: return {load_le<int64_t>(p), 0, false};
    default: {
      const uint64_t u = load_le<uint64_t>(p);
      if (u > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) return {0, u, true};
      return {static_cast<int64_t>(u), u, false};
    }
  }
}

double load_float(GgufType t, const uint8_t* p) {
  return t == GgufType::kFloat32 ? load_le<float>(p) : load_le<double>(p);
}

}  // namespace

std::string_view gguf_type_name(GgufType t) {
  const auto i = static_cast<size_t>(t);
  return i < kNames.size() ? kNames[i] : "unknown";
}

uint64_t gguf_type_size(GgufType t) {
  const auto i = static_cast<size_t>(t);
  return i < kSizes.size() ? kSizes[i] : 0;
}

bool GgufValue::is_integer() const { return integer_type(type()); }
bool GgufValue::is_float() const { return float_type(type()); }

void GgufValue::wrong_type(std::string_view expected) const {
  std::string got(gguf_type_name(type()));
  if (is_array()) got += " of " + std::string(gguf_type_name(node_.elem_type));
  throw Error(ErrorCode::kFormat, (store_ ? store_->source : std::string("gguf")) +
                                      ": metadata key '" + std::string(key_) + "' has type " + got +
                                      ", expected " + std::string(expected));
}

int64_t GgufValue::as_int() const {
  if (!is_integer()) wrong_type("an integer");
  const IntValue v = load_int(type(), store_->base + node_.offset);
  if (v.is_big_unsigned) {
    throw Error(ErrorCode::kFormat, store_->source + ": metadata key '" + std::string(key_) +
                                        "' value " + std::to_string(v.u) + " does not fit int64");
  }
  return v.i;
}

uint64_t GgufValue::as_uint() const {
  if (!is_integer()) wrong_type("an integer");
  const IntValue v = load_int(type(), store_->base + node_.offset);
  if (v.is_big_unsigned) return v.u;
  if (v.i < 0) {
    throw Error(ErrorCode::kFormat, store_->source + ": metadata key '" + std::string(key_) +
                                        "' value " + std::to_string(v.i) + " is negative");
  }
  return static_cast<uint64_t>(v.i);
}

double GgufValue::as_float() const {
  if (!is_float()) wrong_type("a float");
  return load_float(type(), store_->base + node_.offset);
}

bool GgufValue::as_bool() const {
  if (!is_bool()) wrong_type("bool");
  return store_->base[node_.offset] != 0;
}

std::string_view GgufValue::as_string() const {
  if (!is_string()) wrong_type("string");
  return {reinterpret_cast<const char*>(store_->base + node_.offset),
          static_cast<size_t>(node_.count)};
}

GgufType GgufValue::elem_type() const {
  if (!is_array()) wrong_type("array");
  return node_.elem_type;
}

uint64_t GgufValue::size() const {
  if (!is_array()) wrong_type("array");
  return node_.count;
}

GgufValue GgufValue::at(uint64_t i) const {
  if (i >= size()) {
    throw Error(ErrorCode::kInvalidArgument, store_->source + ": index " + std::to_string(i) +
                                                 " out of range for metadata key '" +
                                                 std::string(key_) + "' (" +
                                                 std::to_string(node_.count) + " elements)");
  }
  detail::GgufNode n;
  const GgufType et = node_.elem_type;
  if (et == GgufType::kArray) {
    n = store_->nodes[node_.first + i];
  } else if (et == GgufType::kString) {
    const uint64_t off = store_->string_offsets[node_.first + i];
    n.type = n.elem_type = et;
    n.count = load_le<uint64_t>(store_->base + off);
    n.offset = off + 8;
  } else {
    n.type = n.elem_type = et;
    n.offset = node_.offset + i * gguf_type_size(et);
  }
  return GgufValue(store_, n, key_);
}

std::string_view GgufValue::string_at(uint64_t i) const {
  require_array("string", elem_type() == GgufType::kString);
  return at(i).as_string();
}

void GgufValue::require_array(std::string_view elem_family, bool ok) const {
  if (!ok) wrong_type("array of " + std::string(elem_family));
}

std::vector<std::string_view> GgufValue::as_strings() const {
  require_array("string", is_array() && node_.elem_type == GgufType::kString);
  std::vector<std::string_view> out;
  out.reserve(node_.count);
  for (uint64_t i = 0; i < node_.count; ++i) {
    const uint64_t off = store_->string_offsets[node_.first + i];
    out.emplace_back(reinterpret_cast<const char*>(store_->base + off + 8),
                     static_cast<size_t>(load_le<uint64_t>(store_->base + off)));
  }
  return out;
}

std::vector<int64_t> GgufValue::as_ints() const {
  require_array("integers", is_array() && integer_type(node_.elem_type));
  const uint64_t step = gguf_type_size(node_.elem_type);
  std::vector<int64_t> out(node_.count);
  for (uint64_t i = 0; i < node_.count; ++i) {
    const IntValue v = load_int(node_.elem_type, store_->base + node_.offset + i * step);
    if (v.is_big_unsigned) {
      throw Error(ErrorCode::kFormat, store_->source + ": metadata key '" + std::string(key_) +
                                          "' element " + std::to_string(i) + " value " +
                                          std::to_string(v.u) + " does not fit int64");
    }
    out[i] = v.i;
  }
  return out;
}

std::vector<double> GgufValue::as_floats() const {
  require_array("floats", is_array() && float_type(node_.elem_type));
  const uint64_t step = gguf_type_size(node_.elem_type);
  std::vector<double> out(node_.count);
  for (uint64_t i = 0; i < node_.count; ++i) {
    out[i] = load_float(node_.elem_type, store_->base + node_.offset + i * step);
  }
  return out;
}

std::vector<bool> GgufValue::as_bools() const {
  require_array("bool", is_array() && node_.elem_type == GgufType::kBool);
  std::vector<bool> out(node_.count);
  for (uint64_t i = 0; i < node_.count; ++i) out[i] = store_->base[node_.offset + i] != 0;
  return out;
}

std::span<const uint8_t> GgufValue::raw_bytes() const {
  require_array("a fixed-size type", is_array() && gguf_type_size(node_.elem_type) != 0);
  return {store_->base + node_.offset,
          static_cast<size_t>(node_.count * gguf_type_size(node_.elem_type))};
}

}  // namespace loka

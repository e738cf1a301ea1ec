// Parsing of GGUF metadata values into GgufValueStore, with every count checked first.
#include "formats/gguf_value.h"
#include "formats/read_cursor.h"

namespace loka {
namespace {

// Deeper nesting is certainly hostile and would only risk the stack.
constexpr int kMaxArrayDepth = 8;

// Smallest encoding of one value of `t`: strings need their u64 length, arrays a
// u32 type and a u64 count.
uint64_t min_encoded_size(GgufType t) {
  if (t == GgufType::kString) return 8;
  if (t == GgufType::kArray) return 12;
  return gguf_type_size(t);
}

class ValueParser {
 public:
  ValueParser(ReadCursor& c, GgufValueStore& store, std::string_view key)
      : c_(c), store_(store), key_(key) {}

  detail::GgufNode parse(uint32_t raw_type, int depth) {
    const GgufType type = checked_type(raw_type, "value type");
    detail::GgufNode n;
    n.type = n.elem_type = type;
    n.offset = c_.offset();
    if (type == GgufType::kString) {
      n.count = c_.read<uint64_t>(field("string length"));
      n.offset = c_.offset();
      c_.skip(n.count, field("string bytes"));
    } else if (type == GgufType::kArray) {
      parse_array(n, depth);
    } else {
      const uint64_t size = gguf_type_size(type);
      c_.skip(size, field("value"));
      if (type == GgufType::kBool) check_bools(n.offset, 1);
    }
    return n;
  }

 private:
  void parse_array(detail::GgufNode& n, int depth) {
    if (depth >= kMaxArrayDepth) {
      c_.fail(field("array"), "arrays nested deeper than " + std::to_string(kMaxArrayDepth));
    }
    n.elem_type =
        checked_type(c_.read<uint32_t>(field("array element type")), "array element type");
    const uint64_t count_offset = c_.offset();
    n.count = c_.read<uint64_t>(field("array length"));
    n.offset = c_.offset();
    if (n.count > c_.remaining() / min_encoded_size(n.elem_type)) {
      c_.fail_at(count_offset, field("array length"),
                 std::to_string(n.count) + " elements of type " +
                     std::string(gguf_type_name(n.elem_type)) +
                     " are more than the file could hold (" + std::to_string(c_.remaining()) +
                     " bytes remain)");
    }
    if (n.elem_type == GgufType::kString) {
      parse_strings(n);
    } else if (n.elem_type == GgufType::kArray) {
      n.first = store_.nodes.size();
      store_.nodes.resize(store_.nodes.size() + n.count);
      for (uint64_t i = 0; i < n.count; ++i) {
        // Parse first: the recursion may grow `nodes`.
        const detail::GgufNode child = parse(static_cast<uint32_t>(GgufType::kArray), depth + 1);
        store_.nodes[n.first + i] = child;
      }
    } else {
      c_.skip(n.count * gguf_type_size(n.elem_type), field("array data"));
      if (n.elem_type == GgufType::kBool) check_bools(n.offset, n.count);
    }
  }

  // The hot loop for token lists: no allocation per element, messages built on failure only.
  void parse_strings(detail::GgufNode& n) {
    auto& offs = store_.string_offsets;
    n.first = offs.size();
    offs.reserve(offs.size() + n.count);
    const uint8_t* base = c_.data();
    uint64_t pos = c_.offset();
    const uint64_t end = c_.size();
    for (uint64_t i = 0; i < n.count; ++i) {
      if (end - pos < 8) element_fail(pos, i, "string length", 8);
      const uint64_t len = load_le<uint64_t>(base + pos);
      if (end - pos - 8 < len) element_fail(pos, i, "string bytes", len);
      offs.push_back(pos);
      pos += 8 + len;
    }
    c_.seek(pos, field("string array"));
  }

  [[noreturn]] void element_fail(uint64_t pos, uint64_t i, const char* what, uint64_t need) {
    c_.fail_at(pos, field(std::string("element ") + std::to_string(i) + " " + what),
               "needs " + std::to_string(need) + " bytes but only " +
                   std::to_string(c_.size() - pos) + " remain (file truncated?)");
  }

  void check_bools(uint64_t offset, uint64_t count) {
    const uint8_t* p = c_.data() + offset;
    for (uint64_t i = 0; i < count; ++i) {
      if (p[i] > 1) {
        c_.fail_at(offset + i, field("bool"),
                   "value " + std::to_string(p[i]) + " is neither 0 nor 1");
      }
    }
  }

  GgufType checked_type(uint32_t raw, const char* what) {
    if (raw > static_cast<uint32_t>(GgufType::kFloat64)) {
      c_.fail_at(c_.offset() >= 4 ? c_.offset() - 4 : 0, field(what),
                 "unknown value type id " + std::to_string(raw));
    }
    return static_cast<GgufType>(raw);
  }

  std::string field(std::string_view what) const {
    return "metadata key '" + std::string(key_) + "' " + std::string(what);
  }

  ReadCursor& c_;
  GgufValueStore& store_;
  std::string_view key_;
};

}  // namespace

detail::GgufNode parse_gguf_value(ReadCursor& c, uint32_t raw_type, GgufValueStore& store,
                                  std::string_view key) {
  return ValueParser(c, store, key).parse(raw_type, 0);
}

}  // namespace loka

// Safetensors header: length prefix, strict JSON, per-tensor fields, buffer tiling.
#include "formats/safetensors_header.h"

#include <algorithm>
#include <limits>
#include <string_view>

#include "core/error.h"
#include "formats/json_util.h"

namespace loka {
namespace {

using nlohmann::json;

[[noreturn]] void fail(const std::string& what, const std::string& msg) {
  throw Error(ErrorCode::kFormat, what + ": " + msg);
}

std::string range_str(uint64_t begin, uint64_t end) {
  return "[" + std::to_string(begin) + ", " + std::to_string(end) + "]";
}

SafetensorsTensorInfo parse_entry(const std::string& name, const json& entry,
                                  const std::string& what) {
  const std::string where = what + ": tensor '" + name + "'";
  if (!entry.is_object())
    fail(where, std::string("entry is JSON ") + json_type_name(entry) + ", not an object");
  SafetensorsTensorInfo info;
  info.name = name;

  const auto dt = entry.find("dtype");
  if (dt == entry.end() || !dt->is_string()) fail(where, "field 'dtype' missing or not a string");
  const auto parsed = safetensors_dtype_from_name(dt->get_ref<const std::string&>());
  if (!parsed) fail(where, "unknown dtype '" + dt->get<std::string>() + "'");
  info.dtype = *parsed;

  const auto shape = entry.find("shape");
  if (shape == entry.end() || !shape->is_array()) {
    fail(where, "field 'shape' missing or not an array");
  }
  uint64_t numel = 1;
  for (size_t i = 0; i < shape->size(); ++i) {
    const json& d = (*shape)[i];
    const std::string field = "shape[" + std::to_string(i) + "]";
    if (d.is_number_integer() && !d.is_number_unsigned()) {
      fail(where, field + " is " + std::to_string(d.get<int64_t>()) + ", negative");
    }
    if (!d.is_number_unsigned()) {
      fail(where, field + " is JSON " + std::string(json_type_name(d)) + ", not an integer");
    }
    const uint64_t v = d.get<uint64_t>();
    if (v > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()) ||
        __builtin_mul_overflow(numel, v, &numel) ||
        numel > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      fail(where, "element count of shape overflows at " + field);
    }
    info.shape.push_back(static_cast<int64_t>(v));
  }
  info.numel = numel;

  const auto offs = entry.find("data_offsets");
  if (offs == entry.end() || !offs->is_array() || offs->size() != 2 ||
      !(*offs)[0].is_number_unsigned() || !(*offs)[1].is_number_unsigned()) {
    fail(where, "field 'data_offsets' is not [begin, end] with non-negative integers");
  }
  info.begin = (*offs)[0].get<uint64_t>();
  info.end = (*offs)[1].get<uint64_t>();
  if (info.begin > info.end) {
    fail(where, "data_offsets " + range_str(info.begin, info.end) + " has begin > end");
  }
  const auto bytes = safetensors_dtype_bytes(info.dtype, numel);
  if (!bytes) {
    fail(where, std::to_string(numel) + " elements of " +
                    std::string(safetensors_dtype_name(info.dtype)) +
                    " do not make a whole number of bytes");
  }
  if (*bytes != info.end - info.begin) {
    fail(where, "data_offsets " + range_str(info.begin, info.end) + " span " +
                    std::to_string(info.end - info.begin) + " bytes but " + std::to_string(numel) +
                    " elements of " + std::string(safetensors_dtype_name(info.dtype)) + " need " +
                    std::to_string(*bytes));
  }
  return info;
}

std::map<std::string, std::string> parse_metadata(const json& meta, const std::string& what) {
  if (!meta.is_object()) {
    fail(what, std::string("'__metadata__' is JSON ") + json_type_name(meta) + ", not an object");
  }
  std::map<std::string, std::string> out;
  for (const auto& [k, v] : meta.items()) {
    if (!v.is_string()) {
      fail(what, "'__metadata__' key '" + k + "' is JSON " + json_type_name(v) + ", not a string");
    }
    out.emplace(k, v.get<std::string>());
  }
  return out;
}

// The sorted ranges must tile [0, buffer) exactly, as the reference reader demands.
void check_tiling(const std::vector<SafetensorsTensorInfo>& ts, uint64_t buffer,
                  uint64_t data_offset, const std::string& what) {
  uint64_t expected = 0;
  const SafetensorsTensorInfo* prev = nullptr;
  for (const auto& t : ts) {
    if (t.end > buffer) {
      fail(what, "tensor '" + t.name + "': data_offsets " + range_str(t.begin, t.end) +
                     " end past the data buffer (" + std::to_string(buffer) +
                     " bytes from file offset " + std::to_string(data_offset) + ")");
    }
    if (t.begin < expected) {
      fail(what, "tensor '" + t.name + "': data_offsets " + range_str(t.begin, t.end) +
                     " overlap tensor '" + prev->name + "' " + range_str(prev->begin, prev->end));
    }
    if (t.begin > expected) {
      fail(what, "bytes " + std::to_string(expected) + ".." + std::to_string(t.begin) +
                     " of the data buffer (file offset " + std::to_string(data_offset + expected) +
                     ") belong to no tensor, before tensor '" + t.name + "'");
    }
    expected = t.end;
    prev = &t;
  }
  if (expected != buffer) {
    fail(what, "the data buffer has " + std::to_string(buffer) + " bytes but tensors cover " +
                   std::to_string(expected) + "; trailing bytes start at file offset " +
                   std::to_string(data_offset + expected));
  }
}

}  // namespace

uint64_t safetensors_header_length(const uint8_t* first8) {
  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | first8[i];
  return n;
}

SafetensorsHeader parse_safetensors_header(const uint8_t* data, uint64_t size,
                                           const std::string& what) {
  if (size < 8) {
    fail(what, "file is " + std::to_string(size) +
                   " bytes, shorter than the 8-byte header length at offset 0");
  }
  const uint64_t n = safetensors_header_length(data);
  if (n > kSafetensorsMaxHeaderBytes) {
    fail(what, "header length " + std::to_string(n) + " at offset 0 exceeds the limit of " +
                   std::to_string(kSafetensorsMaxHeaderBytes) + " bytes");
  }
  if (n > size - 8) {
    fail(what, "header length " + std::to_string(n) + " at offset 0 runs past the end of the " +
                   std::to_string(size) + "-byte file (truncated?)");
  }
  const std::string_view text(reinterpret_cast<const char*>(data + 8), n);
  const json header = parse_json_strict(text, what + ": header", 8);
  if (!header.is_object()) {
    fail(what, std::string("header is JSON ") + json_type_name(header) + ", not an object");
  }

  SafetensorsHeader out;
  out.data_offset = 8 + n;
  for (const auto& [key, value] : header.items()) {
    if (key == "__metadata__") {
      out.metadata = parse_metadata(value, what);
    } else {
      out.tensors.push_back(parse_entry(key, value, what));
    }
  }
  std::sort(out.tensors.begin(), out.tensors.end(), [](const auto& a, const auto& b) {
    return a.begin != b.begin ? a.begin < b.begin : a.end < b.end;
  });
  check_tiling(out.tensors, size - out.data_offset, out.data_offset, what);
  for (auto& t : out.tensors) t.file_offset = out.data_offset + t.begin;
  return out;
}

}  // namespace loka

// Strict JSON parsing: UTF-8 validation, duplicate-key and depth checks.
#include "formats/json_util.h"

#include <string>
#include <unordered_set>
#include <vector>

#include "core/error.h"

namespace loka {
namespace {

// Deeper nesting than any model file needs; bounds the memory a hostile file can make us build.
constexpr int kMaxJsonDepth = 64;

struct Frame {
  bool is_object = false;
  std::unordered_set<std::string> keys;
  std::string last_key;
};

std::string key_path(const std::vector<Frame>& frames) {
  std::string path;
  for (const Frame& f : frames) path += f.is_object ? "/" + f.last_key : std::string("/[]");
  return path.empty() ? "/" : path;
}

template <class Json>
Json parse_strict(std::string_view text, const std::string& source, uint64_t base_offset) {
  if (auto bad = find_invalid_utf8(text)) {
    throw Error(ErrorCode::kFormat,
                source + ": invalid UTF-8 at byte offset " + std::to_string(base_offset + *bad));
  }
  std::vector<Frame> frames;
  using Event = typename Json::parse_event_t;
  auto callback = [&](int /*depth*/, Event event, Json& parsed) {
    switch (event) {
      case Event::object_start:
      case Event::array_start:
        if (frames.size() >= kMaxJsonDepth) {
          throw Error(ErrorCode::kFormat, source + ": JSON nested deeper than " +
                                              std::to_string(kMaxJsonDepth) + " levels at " +
                                              key_path(frames));
        }
        frames.push_back(Frame{event == Event::object_start, {}, {}});
        break;
      case Event::object_end:
      case Event::array_end:
        if (!frames.empty()) frames.pop_back();
        break;
      case Event::key: {
        Frame& top = frames.back();
        top.last_key = parsed.template get<std::string>();
        if (!top.keys.insert(top.last_key).second) {
          throw Error(ErrorCode::kFormat,
                      source + ": duplicate key '" + top.last_key + "' at " + key_path(frames));
        }
        break;
      }
      case Event::value: break;
    }
    return true;
  };
  try {
    return Json::parse(text.begin(), text.end(), callback);
  } catch (const typename Json::parse_error& e) {
    // e.byte counts from 1 and points at the character where parsing failed.
    const uint64_t at = base_offset + (e.byte > 0 ? e.byte - 1 : 0);
    throw Error(ErrorCode::kFormat,
                source + ": invalid JSON near byte offset " + std::to_string(at) + ": " + e.what());
  }
}

}  // namespace

nlohmann::json parse_json_strict(std::string_view text, const std::string& source,
                                 uint64_t base_offset) {
  return parse_strict<nlohmann::json>(text, source, base_offset);
}

nlohmann::ordered_json parse_ordered_json_strict(std::string_view text, const std::string& source,
                                                 uint64_t base_offset) {
  return parse_strict<nlohmann::ordered_json>(text, source, base_offset);
}

const char* json_type_name(const nlohmann::json& j) {
  if (j.is_number_unsigned()) return "unsigned integer";
  if (j.is_number_integer()) return "integer";
  if (j.is_number_float()) return "floating-point number";
  return j.type_name();
}

}  // namespace loka

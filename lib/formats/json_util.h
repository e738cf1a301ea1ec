// Strict JSON parsing for model files: UTF-8 checked, duplicate keys rejected.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/utf8.h"

namespace loka {

/// Parses `text` as JSON. Throws Error(kFormat) whose message starts with
/// `source` and names the byte offset (`base_offset` + offset in `text`) for
/// malformed UTF-8 or JSON, and the key path for a key that occurs twice in
/// one object (nlohmann's parser would silently keep the last one).
nlohmann::json parse_json_strict(std::string_view text, const std::string& source,
                                 uint64_t base_offset = 0);

/// parse_json_strict keeping the keys of each object in file order (chat
/// messages and tool schemas are printed in that order by templates).
nlohmann::ordered_json parse_ordered_json_strict(std::string_view text, const std::string& source,
                                                 uint64_t base_offset = 0);

/// "object", "array", "string", "integer", "unsigned integer", "number", ...
const char* json_type_name(const nlohmann::json& j);

}  // namespace loka

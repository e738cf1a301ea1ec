// Strict JSON parsing for model files: UTF-8 checked, duplicate keys rejected.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

namespace loka {

/// Offset of the first byte that is not part of well-formed UTF-8 (overlong
/// forms, surrogates and code points past U+10FFFF count as malformed), or
/// nullopt when all of `text` is valid.
std::optional<size_t> find_invalid_utf8(std::string_view text);

/// Parses `text` as JSON. Throws Error(kFormat) whose message starts with
/// `source` and names the byte offset (`base_offset` + offset in `text`) for
/// malformed UTF-8 or JSON, and the key path for a key that occurs twice in
/// one object (nlohmann's parser would silently keep the last one).
nlohmann::json parse_json_strict(std::string_view text, const std::string& source,
                                 uint64_t base_offset = 0);

/// "object", "array", "string", "integer", "unsigned integer", "number", ...
const char* json_type_name(const nlohmann::json& j);

}  // namespace loka

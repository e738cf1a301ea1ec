// UTF-8 checks and encoding shared by the file readers, the tokenizer and the chat templates.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace loka {

/// Offset of the first byte that is not part of well-formed UTF-8 (overlong
/// forms, surrogates and code points past U+10FFFF count as malformed), or
/// nullopt when all of `text` is valid.
std::optional<size_t> find_invalid_utf8(std::string_view text);

/// True when `text` is well-formed UTF-8.
inline bool is_valid_utf8(std::string_view text) { return !find_invalid_utf8(text).has_value(); }

/// Appends the UTF-8 encoding of code point `cp` (no check that it is a scalar value).
void append_utf8(std::string& out, char32_t cp);

}  // namespace loka

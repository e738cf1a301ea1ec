// UTF-8 well-formedness checks shared by the file readers and the tokenizer.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

namespace loka {

/// Offset of the first byte that is not part of well-formed UTF-8 (overlong
/// forms, surrogates and code points past U+10FFFF count as malformed), or
/// nullopt when all of `text` is valid.
std::optional<size_t> find_invalid_utf8(std::string_view text);

/// True when `text` is well-formed UTF-8.
inline bool is_valid_utf8(std::string_view text) { return !find_invalid_utf8(text).has_value(); }

}  // namespace loka

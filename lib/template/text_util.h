// UTF-8 <-> code point helpers for Python-like string semantics (len, slicing, case).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/utf8.h"

namespace loka::tmpl {

/// Code points of `s`; malformed bytes decode as one code point each (U+FFFD is not substituted).
std::u32string utf8_decode(std::string_view s);
std::string utf8_encode(std::u32string_view s);
/// Python's str.isspace() for one code point.
bool is_py_space(char32_t c);
/// Simple (one-to-one) Unicode case mapping through utf8proc.
char32_t to_upper_cp(char32_t c);
char32_t to_lower_cp(char32_t c);
bool is_alpha_cp(char32_t c);
std::string py_upper(std::string_view s);
std::string py_lower(std::string_view s);
std::string py_title(std::string_view s);
std::string py_capitalize(std::string_view s);
/// str.strip/lstrip/rstrip; `chars` null means whitespace.
std::string py_strip(std::string_view s, const std::string* chars, bool left, bool right);
/// str.split/rsplit; `sep` null means runs of whitespace.
std::vector<std::string> py_split(std::string_view s, const std::string* sep, long maxsplit, bool from_right);
/// str.splitlines() for \n, \r and \r\n line ends (the ones chat templates meet).
std::vector<std::string> py_splitlines(std::string_view s);
std::string py_replace(std::string_view s, std::string_view from, std::string_view to, long count);

}  // namespace loka::tmpl

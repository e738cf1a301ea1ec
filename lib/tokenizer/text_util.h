// UTF-8 helpers for the tokenizer: code points, lossy decoding, GPT-2 byte<->unicode map.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/utf8.h"

namespace loka::tok {

/// Length of the UTF-8 sequence that starts with `lead` (1 for stray bytes).
inline size_t utf8_len(unsigned char lead) {
  if (lead < 0x80) return 1;
  if ((lead & 0xE0) == 0xC0) return 2;
  if ((lead & 0xF0) == 0xE0) return 3;
  if ((lead & 0xF8) == 0xF0) return 4;
  return 1;
}

using ::loka::append_utf8;
/// Decodes the code point at s[i] (valid UTF-8 assumed, bounds checked) and advances i.
uint32_t next_codepoint(std::string_view s, size_t& i);

/// Bytes -> text, each maximal ill-formed subsequence replaced by U+FFFD (the policy of
/// Rust's String::from_utf8_lossy, which Hugging Face tokenizers use).
std::string utf8_lossy(std::string_view bytes);
/// Number of trailing bytes of `bytes` that form an incomplete but so far valid UTF-8
/// sequence (0..3): the part a stream must hold back.
size_t utf8_incomplete_tail(std::string_view bytes);

/// GPT-2's reversible byte <-> printable code point map (ByteLevel).
struct ByteLevelMap {
  std::array<std::string, 256> byte_to_text;  // UTF-8 of the code point for each byte
  std::array<int16_t, 324> cp_to_byte;        // code point (< 324) -> byte, or -1
  ByteLevelMap();
  /// Maps every byte of `in` to its code point's UTF-8.
  void encode(std::string_view in, std::string& out) const;
  /// Maps text back to bytes; false (out unchanged) if a code point is not in the map.
  bool decode(std::string_view in, std::string& out) const;
};
const ByteLevelMap& byte_level_map();

}  // namespace loka::tok

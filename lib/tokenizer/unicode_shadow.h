// Bridges PCRE2's older Unicode tables (10.42: Unicode 14) to the Unicode 15 of HF tokenizers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace loka::tok {

/// Code points that PCRE2 sees as unassigned but utf8proc (Unicode 15) assigns, e.g. the
/// emoji U+1FABC. Regexes are matched on a "shadow" copy of the text in which each is
/// replaced by the nearest lower code point of the same general category and UTF-8 length
/// that PCRE2 knows, so \p{S}, \p{L}, ... classify it as Hugging Face (Oniguruma) does and
/// byte offsets stay the same.
class UnicodeShadow {
 public:
  static const UnicodeShadow& get();
  /// Replaces the code points in place; returns false (and leaves `s` alone) when none occur.
  bool apply(std::string& s) const;
  bool empty() const { return map_.empty(); }

 private:
  UnicodeShadow();
  std::vector<uint64_t> bits_;  // bitmap over code points: has a replacement
  std::unordered_map<uint32_t, uint32_t> map_;
};

}  // namespace loka::tok

// Finds, once per process, the code points PCRE2 does not know but utf8proc does.
#define PCRE2_CODE_UNIT_WIDTH 8
#include "tokenizer/unicode_shadow.h"

#include <pcre2.h>
#include <utf8proc.h>

#include "tokenizer/text_util.h"

namespace loka::tok {

namespace {

bool in_bitmap(const std::vector<uint64_t>& bits, uint32_t cp) {
  return (bits[cp >> 6] >> (cp & 63)) & 1;
}

}  // namespace

UnicodeShadow::UnicodeShadow() : bits_((0x110000 >> 6) + 1, 0) {
  // One string with every non-surrogate code point from U+0080; \p{Cn} finds PCRE2's gaps.
  std::string all;
  std::vector<uint32_t> cps;
  for (uint32_t cp = 0x80; cp < 0x110000; ++cp) {
    if (cp >= 0xD800 && cp <= 0xDFFF) continue;
    if (utf8proc_category(static_cast<int32_t>(cp)) == UTF8PROC_CATEGORY_CN) continue;
    cps.push_back(cp);
    append_utf8(all, cp);
  }
  int err = 0;
  PCRE2_SIZE off = 0;
  pcre2_code* re = pcre2_compile(reinterpret_cast<PCRE2_SPTR>("\\p{Cn}"), PCRE2_ZERO_TERMINATED,
                                 PCRE2_UTF | PCRE2_UCP, &err, &off, nullptr);
  if (!re) return;
  pcre2_jit_compile(re, PCRE2_JIT_COMPLETE);
  pcre2_match_data* md = pcre2_match_data_create(1, nullptr);
  std::vector<uint32_t> unknown;
  size_t pos = 0;
  while (pos < all.size() &&
         pcre2_match(re, reinterpret_cast<PCRE2_SPTR>(all.data()), all.size(), pos, PCRE2_NO_UTF_CHECK, md, nullptr) > 0) {
    const size_t start = pcre2_get_ovector_pointer(md)[0];
    size_t i = start;
    unknown.push_back(next_codepoint(all, i));
    pos = i;
  }
  pcre2_match_data_free(md);
  pcre2_code_free(re);
  std::vector<uint64_t> unknown_bits(bits_.size(), 0);
  for (uint32_t cp : unknown) unknown_bits[cp >> 6] |= uint64_t{1} << (cp & 63);
  for (uint32_t cp : unknown) {
    const auto cat = utf8proc_category(static_cast<int32_t>(cp));
    std::string me;
    append_utf8(me, cp);
    for (uint32_t r = cp; r-- > 0x80;) {
      if (in_bitmap(unknown_bits, r) || (r >= 0xD800 && r <= 0xDFFF)) continue;
      if (utf8proc_category(static_cast<int32_t>(r)) != cat) continue;
      std::string other;
      append_utf8(other, r);
      if (other.size() != me.size()) break;
      map_.emplace(cp, r);
      bits_[cp >> 6] |= uint64_t{1} << (cp & 63);
      break;
    }
  }
}

const UnicodeShadow& UnicodeShadow::get() {
  static const UnicodeShadow shadow;
  return shadow;
}

bool UnicodeShadow::apply(std::string& s) const {
  bool changed = false;
  for (size_t i = 0; i < s.size();) {
    const auto lead = static_cast<unsigned char>(s[i]);
    if (lead < 0xC0) {
      ++i;
      continue;
    }
    const size_t start = i;
    const uint32_t cp = next_codepoint(s, i);
    if (cp < 0x110000 && in_bitmap(bits_, cp)) {
      std::string r;
      append_utf8(r, map_.at(cp));
      s.replace(start, r.size(), r);
      changed = true;
    }
  }
  return changed;
}

}  // namespace loka::tok

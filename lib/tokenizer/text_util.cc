// UTF-8 helpers for the tokenizer.
#include "tokenizer/text_util.h"

namespace loka::tok {

uint32_t next_codepoint(std::string_view s, size_t& i) {
  const auto c = static_cast<unsigned char>(s[i]);
  size_t len = utf8_len(c);
  if (i + len > s.size()) len = 1;
  uint32_t cp = len == 1 ? c : len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
  for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
  i += len;
  return cp;
}

namespace {

// Valid range of the second byte after `lead` (Unicode Table 3-7); false for bad leads.
bool second_range(unsigned char lead, unsigned char& lo, unsigned char& hi, size_t& len) {
  lo = 0x80, hi = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) return len = 2, true;
  if (lead == 0xE0) return lo = 0xA0, len = 3, true;
  if (lead == 0xED) return hi = 0x9F, len = 3, true;
  if (lead >= 0xE1 && lead <= 0xEF) return len = 3, true;
  if (lead == 0xF0) return lo = 0x90, len = 4, true;
  if (lead == 0xF4) return hi = 0x8F, len = 4, true;
  if (lead >= 0xF1 && lead <= 0xF3) return len = 4, true;
  return false;
}

// Length of the valid prefix of the sequence at s[i] (== its full length when complete).
size_t valid_prefix(std::string_view s, size_t i, size_t& full) {
  const auto lead = static_cast<unsigned char>(s[i]);
  unsigned char lo, hi;
  full = 1;
  if (lead < 0x80) return 1;
  if (!second_range(lead, lo, hi, full)) return 0;
  size_t k = 1;
  for (; k < full && i + k < s.size(); ++k) {
    const auto b = static_cast<unsigned char>(s[i + k]);
    if (k == 1 ? (b < lo || b > hi) : (b < 0x80 || b > 0xBF)) break;
  }
  return k;
}

}  // namespace

std::string utf8_lossy(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    size_t full;
    const size_t ok = valid_prefix(s, i, full);
    if (ok == full) {
      out.append(s.substr(i, full));
      i += full;
    } else {
      out.append("\xEF\xBF\xBD");
      i += ok == 0 ? 1 : ok;
    }
  }
  return out;
}

size_t utf8_incomplete_tail(std::string_view s) {
  for (size_t back = 1; back <= 3 && back <= s.size(); ++back) {
    const size_t i = s.size() - back;
    const auto c = static_cast<unsigned char>(s[i]);
    if ((c & 0xC0) == 0x80) continue;  // continuation byte: look further back
    size_t full;
    const size_t ok = valid_prefix(s, i, full);
    return (ok == back && full > back) ? back : 0;
  }
  return 0;
}

ByteLevelMap::ByteLevelMap() {
  cp_to_byte.fill(-1);
  int extra = 0;
  for (int b = 0; b < 256; ++b) {
    const bool printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE);
    const uint32_t cp = printable ? static_cast<uint32_t>(b) : static_cast<uint32_t>(256 + extra++);
    append_utf8(byte_to_text[b], cp);
    cp_to_byte[cp] = static_cast<int16_t>(b);
  }
}

void ByteLevelMap::encode(std::string_view in, std::string& out) const {
  for (char c : in) out.append(byte_to_text[static_cast<unsigned char>(c)]);
}

bool ByteLevelMap::decode(std::string_view in, std::string& out) const {
  const size_t start = out.size();
  size_t i = 0;
  while (i < in.size()) {
    const uint32_t cp = next_codepoint(in, i);
    if (cp >= cp_to_byte.size() || cp_to_byte[cp] < 0) {
      out.resize(start);
      return false;
    }
    out.push_back(static_cast<char>(cp_to_byte[cp]));
  }
  return true;
}

const ByteLevelMap& byte_level_map() {
  static const ByteLevelMap map;
  return map;
}

}  // namespace loka::tok

// UTF-8 <-> code point helpers for Python-like string semantics (len, slicing, case).
#include "template/text_util.h"

#include <algorithm>

#include <utf8proc.h>

#include "template/value.h"

namespace loka::tmpl {

std::u32string utf8_decode(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = s[i];
    int n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) {
      out.push_back(c);
      ++i;
      continue;
    }
    char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1f) : n == 3 ? (c & 0x0f) : (c & 0x07);
    bool ok = true;
    for (int k = 1; k < n; ++k) {
      unsigned char cc = s[i + k];
      if ((cc & 0xc0) != 0x80) { ok = false; break; }
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (!ok) {
      out.push_back(c);
      ++i;
      continue;
    }
    out.push_back(cp);
    i += n;
  }
  return out;
}

std::string utf8_encode(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) append_utf8(out, c);
  return out;
}

bool is_py_space(char32_t c) {
  if (c == ' ' || (c >= 9 && c <= 13) || (c >= 0x1c && c <= 0x1f) || c == 0x85 || c == 0xa0) return true;
  if (c < 0x1680) return false;
  auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(c));
  return cat == UTF8PROC_CATEGORY_ZS || cat == UTF8PROC_CATEGORY_ZL || cat == UTF8PROC_CATEGORY_ZP;
}

char32_t to_upper_cp(char32_t c) {
  if (c < 0x80) return (c >= 'a' && c <= 'z') ? c - 32 : c;
  return static_cast<char32_t>(utf8proc_toupper(static_cast<utf8proc_int32_t>(c)));
}
char32_t to_lower_cp(char32_t c) {
  if (c < 0x80) return (c >= 'A' && c <= 'Z') ? c + 32 : c;
  return static_cast<char32_t>(utf8proc_tolower(static_cast<utf8proc_int32_t>(c)));
}
bool is_alpha_cp(char32_t c) {
  if (c < 0x80) return (c | 32) >= 'a' && (c | 32) <= 'z';
  auto cat = utf8proc_category(static_cast<utf8proc_int32_t>(c));
  return cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO;
}

std::string py_upper(std::string_view s) {
  std::u32string u = utf8_decode(s);
  for (auto& c : u) c = to_upper_cp(c);
  return utf8_encode(u);
}
std::string py_lower(std::string_view s) {
  std::u32string u = utf8_decode(s);
  for (auto& c : u) c = to_lower_cp(c);
  return utf8_encode(u);
}
std::string py_title(std::string_view s) {
  std::u32string u = utf8_decode(s);
  bool prev_cased = false;
  for (auto& c : u) {
    bool alpha = is_alpha_cp(c);
    c = alpha ? (prev_cased ? to_lower_cp(c) : to_upper_cp(c)) : c;
    prev_cased = alpha;
  }
  return utf8_encode(u);
}
std::string py_capitalize(std::string_view s) {
  std::u32string u = utf8_decode(s);
  for (size_t i = 0; i < u.size(); ++i) u[i] = i == 0 ? to_upper_cp(u[i]) : to_lower_cp(u[i]);
  return utf8_encode(u);
}

std::string py_strip(std::string_view s, const std::string* chars, bool left, bool right) {
  std::u32string u = utf8_decode(s);
  std::u32string set = chars ? utf8_decode(*chars) : std::u32string();
  auto strip_it = [&](char32_t c) { return chars ? set.find(c) != std::u32string::npos : is_py_space(c); };
  size_t b = 0, e = u.size();
  if (left) while (b < e && strip_it(u[b])) ++b;
  if (right) while (e > b && strip_it(u[e - 1])) --e;
  return utf8_encode(std::u32string_view(u).substr(b, e - b));
}

std::vector<std::string> py_split(std::string_view s, const std::string* sep, long maxsplit, bool from_right) {
  std::vector<std::string> out;
  if (sep && sep->empty()) fail("empty separator");
  if (!sep) {
    std::u32string u = utf8_decode(s);
    if (from_right) std::reverse(u.begin(), u.end());
    size_t i = 0, n = u.size();
    while (true) {
      while (i < n && is_py_space(u[i])) ++i;
      if (i >= n) break;
      if (maxsplit >= 0 && static_cast<long>(out.size()) == maxsplit) {
        size_t e = n;
        while (e > i && is_py_space(u[e - 1])) --e;
        std::u32string piece = u.substr(i, e - i);
        if (from_right) std::reverse(piece.begin(), piece.end());
        out.push_back(utf8_encode(piece));
        break;
      }
      size_t j = i;
      while (j < n && !is_py_space(u[j])) ++j;
      std::u32string piece = u.substr(i, j - i);
      if (from_right) std::reverse(piece.begin(), piece.end());
      out.push_back(utf8_encode(piece));
      i = j;
    }
    if (from_right) std::reverse(out.begin(), out.end());
    return out;
  }
  if (!from_right) {
    size_t pos = 0;
    while (true) {
      size_t f = (maxsplit >= 0 && static_cast<long>(out.size()) == maxsplit) ? std::string_view::npos
                                                                              : s.find(*sep, pos);
      if (f == std::string_view::npos) {
        out.emplace_back(s.substr(pos));
        break;
      }
      out.emplace_back(s.substr(pos, f - pos));
      pos = f + sep->size();
    }
    return out;
  }
  size_t end = s.size();
  while (true) {
    size_t f = std::string_view::npos;
    if (!(maxsplit >= 0 && static_cast<long>(out.size()) == maxsplit) && end >= sep->size())
      f = s.rfind(*sep, end - sep->size());
    if (f == std::string_view::npos) {
      out.emplace_back(s.substr(0, end));
      break;
    }
    out.emplace_back(s.substr(f + sep->size(), end - f - sep->size()));
    end = f;
  }
  std::reverse(out.begin(), out.end());
  return out;
}

std::vector<std::string> py_splitlines(std::string_view s) {
  std::vector<std::string> lines;
  std::string cur;
  for (size_t k = 0; k < s.size(); ++k) {
    if (s[k] == '\n' || s[k] == '\r') {
      if (s[k] == '\r' && k + 1 < s.size() && s[k + 1] == '\n') ++k;
      lines.push_back(cur);
      cur.clear();
    } else {
      cur += s[k];
    }
  }
  if (!cur.empty()) lines.push_back(cur);
  return lines;
}

std::string py_replace(std::string_view s, std::string_view from, std::string_view to, long count) {
  std::string out;
  if (from.empty()) {
    std::u32string u = utf8_decode(s);
    long n = 0;
    for (size_t i = 0; i <= u.size(); ++i) {
      if (count < 0 || n < count) { out.append(to); ++n; }
      if (i < u.size()) append_utf8(out, u[i]);
    }
    return out;
  }
  size_t pos = 0;
  long n = 0;
  while (count < 0 || n < count) {
    size_t f = s.find(from, pos);
    if (f == std::string_view::npos) break;
    out.append(s.substr(pos, f - pos));
    out.append(to);
    pos = f + from.size();
    ++n;
  }
  out.append(s.substr(pos));
  return out;
}

}  // namespace loka::tmpl

// Python-exact text forms: float repr, str repr and json.dumps (transformers' tojson).
#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>

#include <utf8proc.h>

#include "template/text_util.h"
#include "template/value.h"

namespace loka::tmpl {

std::string python_float_repr(double f) {
  if (std::isnan(f)) return "nan";
  if (std::isinf(f)) return f > 0 ? "inf" : "-inf";
  if (f == 0) return std::signbit(f) ? "-0.0" : "0.0";
  char buf[64];
  auto res = std::to_chars(buf, buf + sizeof buf, f, std::chars_format::scientific);
  std::string sci(buf, res.ptr);  // e.g. "-1.2345e+05": shortest round-trip digits
  bool neg = sci[0] == '-';
  if (neg) sci.erase(0, 1);
  size_t epos = sci.find('e');
  int exp10 = std::stoi(sci.substr(epos + 1));
  std::string digits;
  for (size_t k = 0; k < epos; ++k)
    if (sci[k] != '.') digits += sci[k];
  std::string out;
  if (exp10 >= -5 && exp10 < 16) {
    // Python's repr uses fixed notation for 1e-4 <= |x| < 1e16.
    if (exp10 < -4) goto scientific;
    if (exp10 < 0) {
      out = "0." + std::string(-exp10 - 1, '0') + digits;
    } else if (static_cast<int>(digits.size()) <= exp10 + 1) {
      out = digits + std::string(exp10 + 1 - digits.size(), '0') + ".0";
    } else {
      out = digits.substr(0, exp10 + 1) + "." + digits.substr(exp10 + 1);
    }
    return (neg ? "-" : "") + out;
  }
scientific:
  out = digits.substr(0, 1);
  if (digits.size() > 1) out += "." + digits.substr(1);
  char eb[16];
  std::snprintf(eb, sizeof eb, "e%c%02d", exp10 < 0 ? '-' : '+', exp10 < 0 ? -exp10 : exp10);
  return (neg ? "-" : "") + out + eb;
}

static bool py_printable(char32_t c) {
  if (c < 0x20 || c == 0x7f) return false;
  if (c < 0x7f) return true;
  switch (utf8proc_category(static_cast<utf8proc_int32_t>(c))) {
    case UTF8PROC_CATEGORY_CC:
    case UTF8PROC_CATEGORY_CF:
    case UTF8PROC_CATEGORY_CS:
    case UTF8PROC_CATEGORY_CO:
    case UTF8PROC_CATEGORY_CN:
    case UTF8PROC_CATEGORY_ZL:
    case UTF8PROC_CATEGORY_ZP:
    case UTF8PROC_CATEGORY_ZS: return false;
    default: return true;
  }
}

std::string python_str_repr(const std::string& s) {
  char q = (s.find('\'') != std::string::npos && s.find('"') == std::string::npos) ? '"' : '\'';
  std::string out(1, q);
  for (char32_t c : utf8_decode(s)) {
    if (c == static_cast<char32_t>(q) || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (py_printable(c)) {
      append_utf8(out, c);
    } else {
      char b[16];
      if (c < 0x100) std::snprintf(b, sizeof b, "\\x%02x", static_cast<unsigned>(c));
      else if (c < 0x10000) std::snprintf(b, sizeof b, "\\u%04x", static_cast<unsigned>(c));
      else std::snprintf(b, sizeof b, "\\U%08x", static_cast<unsigned>(c));
      out += b;
    }
  }
  out += q;
  return out;
}

std::string html_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&#34;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

static void json_string(std::string& out, const std::string& s, bool ensure_ascii) {
  out += '"';
  if (ensure_ascii) {
    for (char32_t c : utf8_decode(s)) {
      if (c < 0x80) {
        std::string one(1, static_cast<char>(c));
        std::string esc;
        json_string(esc, one, false);
        out += esc.substr(1, esc.size() - 2);
        continue;
      }
      char b[16];
      if (c >= 0x10000) {
        char32_t v = c - 0x10000;
        std::snprintf(b, sizeof b, "\\u%04x\\u%04x", static_cast<unsigned>(0xd800 + (v >> 10)),
                      static_cast<unsigned>(0xdc00 + (v & 0x3ff)));
      } else {
        std::snprintf(b, sizeof b, "\\u%04x", static_cast<unsigned>(c));
      }
      out += b;
    }
    out += '"';
    return;
  }
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      default:
        if (c < 0x20) {
          char b[8];
          std::snprintf(b, sizeof b, "\\u%04x", c);
          out += b;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

static std::string json_key(const Value& k) {
  switch (k.kind()) {
    case Value::Kind::kString: return k.str();
    case Value::Kind::kBool: return k.as_bool() ? "true" : "false";
    case Value::Kind::kNone: return "null";
    case Value::Kind::kInt: return std::to_string(k.as_int());
    case Value::Kind::kFloat: return python_float_repr(k.as_double());
    default: fail("keys must be str, int, float, bool or None, not " + k.type_name());
  }
}

namespace {
struct Dumper {
  const std::string* indent;
  std::string item_sep, key_sep;
  bool sort_keys;
  bool ensure_ascii;
  std::string out;
  int depth = 0;

  void newline(int level) {
    out += '\n';
    for (int k = 0; k < level; ++k) out += *indent;
  }
  void dump(const Value& v) {
    if (depth > 500) fail("RecursionError: maximum recursion depth exceeded while encoding a JSON object");
    switch (v.kind()) {
      case Value::Kind::kNone: out += "null"; return;
      case Value::Kind::kBool: out += v.as_bool() ? "true" : "false"; return;
      case Value::Kind::kInt: out += std::to_string(v.as_int()); return;
      case Value::Kind::kFloat: {
        double f = v.as_double();
        out += std::isnan(f) ? "NaN" : std::isinf(f) ? (f > 0 ? "Infinity" : "-Infinity") : python_float_repr(f);
        return;
      }
      case Value::Kind::kString: json_string(out, v.str(), ensure_ascii); return;
      case Value::Kind::kList: {
        if (v.list_kind() == ListKind::kGenerator) break;
        const auto& items = v.items();
        if (items.empty()) { out += "[]"; return; }
        out += '[';
        ++depth;
        for (size_t k = 0; k < items.size(); ++k) {
          if (k) out += item_sep;
          if (indent) newline(depth);
          dump(items[k]);
        }
        --depth;
        if (indent) newline(depth);
        out += ']';
        return;
      }
      case Value::Kind::kDict: {
        if (v.is_namespace()) break;
        std::vector<std::pair<std::string, const Value*>> items;
        for (const auto& kv : v.dict_data().items) items.emplace_back(json_key(kv.first), &kv.second);
        if (sort_keys)
          std::stable_sort(items.begin(), items.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
        if (items.empty()) { out += "{}"; return; }
        out += '{';
        ++depth;
        for (size_t k = 0; k < items.size(); ++k) {
          if (k) out += item_sep;
          if (indent) newline(depth);
          json_string(out, items[k].first, ensure_ascii);
          out += key_sep;
          dump(*items[k].second);
        }
        --depth;
        if (indent) newline(depth);
        out += '}';
        return;
      }
      default: break;
    }
    fail("Object of type " + v.type_name() + " is not JSON serializable");
  }
};
}  // namespace

std::string json_dumps(const Value& v, const std::string* indent, const std::string& item_sep,
                       const std::string& key_sep, bool sort_keys, bool ensure_ascii) {
  Dumper d{indent, item_sep, key_sep, sort_keys, ensure_ascii, {}};
  d.dump(v);
  return std::move(d.out);
}

}  // namespace loka::tmpl

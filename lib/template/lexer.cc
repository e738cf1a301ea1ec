// Splits a Jinja template into text and tag tokens, applying jinja2's whitespace rules
// (trim_blocks, lstrip_blocks, "-"/"+" markers) the way transformers configures them.
#include "template/lexer.h"

#include <algorithm>

#include "core/error.h"
#include "template/text_util.h"

namespace loka::tmpl {
namespace {

bool is_ws(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

class Lexer {
 public:
  Lexer(std::string_view src, const std::string& name) : src_(src), name_(name) {
    line_starts_.push_back(0);
    for (size_t k = 0; k < src.size(); ++k)
      if (src[k] == '\n') line_starts_.push_back(k + 1);
  }

  std::vector<Token> run() {
    size_t pos = 0;
    bool strip_next = false;     // previous tag ended with "-": drop leading whitespace
    bool line_starting = true;   // previous tag (with what it consumed) ended a line
    while (true) {
      size_t start = find_tag(pos);
      std::string text(src_.substr(pos, (start == npos ? src_.size() : start) - pos));
      if (strip_next) {
        size_t k = 0;
        while (k < text.size() && is_ws(text[k])) ++k;
        text.erase(0, k);
        strip_next = false;
      }
      if (start == npos) {
        emit_text(text, pos);
        break;
      }
      char kind = src_[start + 1];
      char sign = start + 2 < src_.size() ? src_[start + 2] : 0;
      if (sign == '-') {
        while (!text.empty() && is_ws(text.back())) text.pop_back();
      } else if (sign != '+' && kind != '{') {
        size_t l_pos = text.rfind('\n');
        l_pos = l_pos == std::string::npos ? 0 : l_pos + 1;
        if ((l_pos > 0 || line_starting) && l_pos < text.size() &&
            std::all_of(text.begin() + l_pos, text.end(), is_ws))
          text.erase(l_pos);
      }
      emit_text(text, pos);
      size_t body = start + 2 + ((sign == '-' || sign == '+') ? 1 : 0);
      size_t end;
      bool strip_after = false;
      if (kind == '#') {
        size_t close = src_.find("#}", body);
        if (close == npos) error(start, "missing end of comment tag");
        strip_after = close > body && src_[close - 1] == '-';
        end = close + 2;
        if (!strip_after && !(close > body && src_[close - 1] == '+') && end < src_.size() && src_[end] == '\n') ++end;
      } else if (kind == '%' && is_raw(body)) {
        end = lex_raw(start, body, &strip_after, &line_starting);
        if (strip_after) strip_next = true;
        pos = end;
        continue;
      } else {
        end = lex_tag(start, body, kind, &strip_after);
      }
      if (strip_after) {
        strip_next = true;
        size_t k = end;
        while (k < src_.size() && is_ws(src_[k])) ++k;
        line_starting = k > end && src_[k - 1] == '\n';
      } else {
        line_starting = end > 0 && src_[end - 1] == '\n';
      }
      pos = end;
    }
    out_.push_back(Token{Tok::kEof, "", 0, 0});
    set_pos(out_.back(), src_.size());
    return std::move(out_);
  }

 private:
  static constexpr size_t npos = std::string_view::npos;

  size_t find_tag(size_t pos) const {
    while (true) {
      size_t k = src_.find('{', pos);
      if (k == npos || k + 1 >= src_.size()) return npos;
      char c = src_[k + 1];
      if (c == '{' || c == '%' || c == '#') return k;
      pos = k + 1;
    }
  }

  void set_pos(Token& t, size_t offset) const {
    auto it = std::upper_bound(line_starts_.begin(), line_starts_.end(), offset);
    size_t line = static_cast<size_t>(it - line_starts_.begin());
    t.line = static_cast<int>(line);
    t.col = static_cast<int>(offset - line_starts_[line - 1] + 1);
  }

  [[noreturn]] void error(size_t offset, const std::string& msg) const {
    Token t;
    set_pos(t, offset);
    throw Error(ErrorCode::kFormat,
                name_ + ":" + std::to_string(t.line) + ":" + std::to_string(t.col) + ": " + msg);
  }

  void emit_text(const std::string& text, size_t offset) {
    if (text.empty()) return;
    Token t{Tok::kText, text};
    set_pos(t, offset);
    out_.push_back(std::move(t));
  }

  void push(Tok type, std::string text, size_t offset) {
    Token t{type, std::move(text)};
    set_pos(t, offset);
    out_.push_back(std::move(t));
  }

  // After "{%" (and sign): is the tag "raw"?
  bool is_raw(size_t body) const {
    size_t k = body;
    while (k < src_.size() && is_ws(src_[k])) ++k;
    if (src_.compare(k, 3, "raw") != 0) return false;
    k += 3;
    while (k < src_.size() && is_ws(src_[k])) ++k;
    return src_.compare(k, 2, "%}") == 0 || src_.compare(k, 3, "-%}") == 0 || src_.compare(k, 3, "+%}") == 0;
  }

  size_t lex_raw(size_t start, size_t body, bool* strip_after, bool* line_starting) {
    size_t open_end = src_.find("%}", body) + 2;
    if (src_[open_end - 3] == '-') {
      while (open_end < src_.size() && is_ws(src_[open_end])) ++open_end;
    }
    size_t k = open_end;
    while (true) {
      size_t tag = src_.find("{%", k);
      if (tag == npos) error(start, "missing end of raw directive");
      size_t j = tag + 2;
      bool minus = j < src_.size() && src_[j] == '-';
      if (minus || (j < src_.size() && src_[j] == '+')) ++j;
      while (j < src_.size() && is_ws(src_[j])) ++j;
      if (src_.compare(j, 6, "endraw") != 0) { k = tag + 2; continue; }
      j += 6;
      while (j < src_.size() && is_ws(src_[j])) ++j;
      bool end_minus = src_.compare(j, 3, "-%}") == 0;
      if (!end_minus && src_.compare(j, 2, "%}") != 0) { k = tag + 2; continue; }
      std::string text(src_.substr(open_end, tag - open_end));
      if (minus) while (!text.empty() && is_ws(text.back())) text.pop_back();
      emit_text(text, open_end);
      size_t end = j + (end_minus ? 3 : 2);
      if (!end_minus && end < src_.size() && src_[end] == '\n') ++end;
      *strip_after = end_minus;
      *line_starting = end > 0 && src_[end - 1] == '\n';
      return end;
    }
  }

  // Expression tokens of a {{ }} or {% %} tag; returns the offset after its end marker.
  size_t lex_tag(size_t start, size_t k, char kind, bool* strip_after) {
    push(kind == '{' ? Tok::kVarBegin : Tok::kBlockBegin, "", start);
    const char close = kind == '{' ? '}' : '%';
    std::vector<char> brackets;
    while (true) {
      while (k < src_.size() && is_ws(src_[k])) ++k;
      if (k >= src_.size())
        error(start, kind == '{' ? "unexpected end of template, expected 'end of print statement'"
                                 : "unexpected end of template, expected 'end of statement block'");
      char c = src_[k];
      if (brackets.empty()) {
        bool minus = c == '-' && k + 2 < src_.size() && src_[k + 1] == close && src_[k + 2] == '}';
        bool plus = c == '+' && kind == '%' && k + 2 < src_.size() && src_[k + 1] == '%' && src_[k + 2] == '}';
        if (minus || plus || (c == close && k + 1 < src_.size() && src_[k + 1] == '}')) {
          push(kind == '{' ? Tok::kVarEnd : Tok::kBlockEnd, "", k);
          size_t end = k + 2 + (minus || plus ? 1 : 0);
          *strip_after = minus;
          if (kind == '%' && !minus && !plus && end < src_.size() && src_[end] == '\n') ++end;
          return end;
        }
      }
      if (is_name_start(c)) {
        size_t j = k;
        while (j < src_.size() && (is_name_start(src_[j]) || is_digit(src_[j]))) ++j;
        push(Tok::kName, std::string(src_.substr(k, j - k)), k);
        k = j;
      } else if (is_digit(c)) {
        k = lex_number(k);
      } else if (c == '\'' || c == '"') {
        k = lex_string(k);
      } else {
        static const char* const kOps[] = {"//", "**", "==", "!=", "<=", ">=", "+", "-", "*", "/", "%", "~", "<",
                                           ">", "=", ".", ",", ":", "|", "(", ")", "[", "]", "{", "}"};
        std::string op;
        for (const char* o : kOps)
          if (src_.compare(k, std::char_traits<char>::length(o), o) == 0) { op = o; break; }
        if (op.empty()) error(k, std::string("unexpected char '") + c + "'");
        if (op == "(" || op == "[" || op == "{") brackets.push_back(op == "(" ? ')' : op == "[" ? ']' : '}');
        if (op == ")" || op == "]" || op == "}") {
          if (brackets.empty()) error(k, "unexpected '" + op + "'");
          if (brackets.back() != op[0]) error(k, "unexpected '" + op + "', expected '" + brackets.back() + "'");
          brackets.pop_back();
        }
        push(Tok::kOp, op, k);
        k += op.size();
      }
    }
  }

  size_t lex_number(size_t k) {
    size_t j = k;
    auto digits = [&] { while (j < src_.size() && (is_digit(src_[j]) || src_[j] == '_')) ++j; };
    digits();
    bool is_float = false;
    if (j + 1 < src_.size() && src_[j] == '.' && is_digit(src_[j + 1])) {
      ++j;
      digits();
      is_float = true;
    }
    if (j < src_.size() && (src_[j] == 'e' || src_[j] == 'E')) {
      size_t e = j + 1;
      if (e < src_.size() && (src_[e] == '+' || src_[e] == '-')) ++e;
      if (e < src_.size() && is_digit(src_[e])) {
        j = e;
        digits();
        is_float = true;
      }
    }
    std::string text(src_.substr(k, j - k));
    text.erase(std::remove(text.begin(), text.end(), '_'), text.end());
    push(is_float ? Tok::kFloat : Tok::kInt, text, k);
    return j;
  }

  // Python string literal escapes, as jinja2 decodes them.
  size_t lex_string(size_t k) {
    char q = src_[k];
    std::string out;
    size_t j = k + 1;
    while (true) {
      if (j >= src_.size()) error(k, "unexpected end of string literal");
      char c = src_[j];
      if (c == q) break;
      if (c != '\\') {
        out += c;
        ++j;
        continue;
      }
      if (j + 1 >= src_.size()) error(k, "unexpected end of string literal");
      char e = src_[j + 1];
      j += 2;
      switch (e) {
        case 'n': out += '\n'; break;
        case 't': out += '\t'; break;
        case 'r': out += '\r'; break;
        case '0': out += '\0'; break;
        case 'a': out += '\a'; break;
        case 'b': out += '\b'; break;
        case 'f': out += '\f'; break;
        case 'v': out += '\v'; break;
        case '\\': out += '\\'; break;
        case '\'': out += '\''; break;
        case '"': out += '"'; break;
        case '\n': break;
        case 'x':
        case 'u':
        case 'U': {
          size_t n = e == 'x' ? 2 : e == 'u' ? 4 : 8;
          if (j + n > src_.size()) error(j, "truncated \\" + std::string(1, e) + " escape");
          char32_t cp = 0;
          for (size_t d = 0; d < n; ++d) {
            char h = src_[j + d];
            int v = is_digit(h) ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10 : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
            if (v < 0) error(j, "truncated \\" + std::string(1, e) + " escape");
            cp = cp * 16 + static_cast<char32_t>(v);
          }
          if (cp > 0x10ffff) error(j, "illegal Unicode character");
          append_utf8(out, cp);
          j += n;
          break;
        }
        default: out += '\\'; out += e; break;
      }
    }
    push(Tok::kString, out, k);
    return j + 1;
  }

  std::string_view src_;
  const std::string& name_;
  std::vector<size_t> line_starts_;
  std::vector<Token> out_;
};

}  // namespace

std::vector<Token> lex_template(std::string_view src, const std::string& name) {
  return Lexer(src, name).run();
}

}  // namespace loka::tmpl

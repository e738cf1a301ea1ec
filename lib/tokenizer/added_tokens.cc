// Added-token matching with the lstrip/rstrip/single_word rules of HF tokenizers and llama.cpp.
#include "tokenizer/added_tokens.h"

#include <utf8proc.h>

#include <algorithm>
#include <cctype>

#include "tokenizer/text_util.h"

namespace loka::tok {

bool is_unicode_space(uint32_t c) {
  return (c >= 9 && c <= 13) || c == 32 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
         c == 0x205F || c == 0x3000;
}

namespace {

bool is_word_char(uint32_t c) {
  if (c == '_') return true;
  const utf8proc_category_t cat = utf8proc_category(static_cast<int32_t>(c));
  return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
         (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

// The code point that ends at byte `end` (exclusive) of valid UTF-8 `s`.
uint32_t last_codepoint(std::string_view s, size_t end, size_t& start) {
  start = end - 1;
  while (start > 0 && (static_cast<unsigned char>(s[start]) & 0xC0) == 0x80) --start;
  size_t i = start;
  return next_codepoint(s, i);
}

}  // namespace

void AddedTokenMatcher::build(std::vector<AddedToken> tokens, Mode mode) {
  mode_ = mode;
  tokens.erase(std::remove_if(tokens.begin(), tokens.end(),
                              [](const AddedToken& t) { return t.content.empty(); }),
               tokens.end());
  std::stable_sort(tokens.begin(), tokens.end(), [](const AddedToken& a, const AddedToken& b) {
    return a.content.size() > b.content.size();
  });
  tokens_ = std::move(tokens);
  for (auto& v : by_first_) v.clear();
  for (uint32_t k = 0; k < tokens_.size(); ++k)
    by_first_[static_cast<unsigned char>(tokens_[k].content[0])].push_back(k);
}

void AddedTokenMatcher::split(std::string_view text, bool parse_special,
                              std::vector<Segment>& out) const {
  out.clear();
  if (mode_ == Mode::kLongestFirst) {
    split_llama(text, parse_special, out);
  } else {
    split_hf(text, parse_special, out);
  }
}

void AddedTokenMatcher::split_hf(std::string_view text, bool parse_special,
                                 std::vector<Segment>& out) const {
  size_t done = 0;  // end of the previous token (text before it is pending)
  size_t pos = 0;
  while (pos < text.size()) {
    const AddedToken* hit = nullptr;
    for (uint32_t k : by_first_[static_cast<unsigned char>(text[pos])]) {
      const AddedToken& t = tokens_[k];
      if (text.compare(pos, t.content.size(), t.content) == 0) {
        hit = &t;
        break;  // longest first
      }
    }
    if (!hit) {
      ++pos;
      continue;
    }
    size_t start = pos, stop = pos + hit->content.size();
    bool take = parse_special || !hit->special;
    if (take && hit->single_word) {
      size_t cs;
      const bool start_ok = start == 0 || !is_word_char(last_codepoint(text, start, cs));
      size_t i = stop;
      const bool stop_ok = stop == text.size() || !is_word_char(next_codepoint(text, i));
      take = start_ok && stop_ok;
    }
    if (!take) {
      pos = stop;  // non-overlapping matches: the skipped token's bytes stay text
      continue;
    }
    if (hit->lstrip) {
      while (start > done) {
        size_t cs;
        if (!is_unicode_space(last_codepoint(text, start, cs))) break;
        start = cs;
      }
    }
    if (hit->rstrip) {
      while (stop < text.size()) {
        size_t i = stop;
        if (!is_unicode_space(next_codepoint(text, i))) break;
        stop = i;
      }
    }
    if (start > done) out.push_back({-1, done, start});
    out.push_back({hit->id, start, stop});
    done = pos = stop;
  }
  if (done < text.size()) out.push_back({-1, done, text.size()});
}

void AddedTokenMatcher::split_llama(std::string_view text, bool parse_special,
                                    std::vector<Segment>& out) const {
  if (!text.empty()) out.push_back({-1, 0, text.size()});
  std::vector<Segment> next;
  for (const AddedToken& t : tokens_) {
    if (!parse_special && t.special) continue;
    next.clear();
    bool changed = false;
    for (const Segment& seg : out) {
      if (seg.id >= 0) {
        next.push_back(seg);
        continue;
      }
      size_t base = seg.start, end = seg.end;
      while (base < end) {
        const size_t m = text.substr(0, end).find(t.content, base);
        if (m == std::string_view::npos) break;
        changed = true;
        size_t left_end = m;
        if (t.lstrip)
          while (left_end > base && std::isspace(static_cast<unsigned char>(text[left_end - 1]))) --left_end;
        if (left_end > base) next.push_back({-1, base, left_end});
        next.push_back({t.id, m, m + t.content.size()});
        base = m + t.content.size();
        if (t.rstrip)
          while (base < end && std::isspace(static_cast<unsigned char>(text[base]))) ++base;
      }
      if (base < end) next.push_back({-1, base, end});
    }
    if (changed) out.swap(next);
  }
}

}  // namespace loka::tok

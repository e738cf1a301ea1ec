// Pre-tokenizer and normalizer steps with Hugging Face tokenizers semantics.
#include "tokenizer/pre_tokenizer.h"

#include <utf8proc.h>

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "core/error.h"
#include "tokenizer/text_util.h"
#include "tokenizer/unicode_shadow.h"

namespace loka::tok {

namespace {

using Range = std::pair<size_t, size_t>;
struct Span {
  size_t start, end;
  bool match;
};

// Ranges of `s` tagged match/non-match, in order, covering all of it (HF find_matches).
void tag_ranges(const Regex& re, std::string_view s, bool invert, std::vector<Span>& spans) {
  thread_local std::vector<Range> found;
  found.clear();
  spans.clear();
  re.find_all(s, found);
  size_t prev = 0;
  for (const Range& m : found) {
    if (m.first > prev) spans.push_back({prev, m.first, invert});
    spans.push_back({m.first, m.second, !invert});
    prev = m.second;
  }
  if (prev < s.size()) spans.push_back({prev, s.size(), invert});
}

void apply_behavior(SplitBehavior b, std::vector<Span>& in, std::vector<Span>& out) {
  out.clear();
  bool prev_match = false;
  switch (b) {
    case SplitBehavior::kIsolated:
      out = in;
      break;
    case SplitBehavior::kRemoved:
      for (const Span& s : in)
        if (!s.match) out.push_back(s);
      break;
    case SplitBehavior::kMergedWithPrevious:
      for (const Span& s : in) {
        if (s.match && !prev_match && !out.empty()) {
          out.back().end = s.end;
        } else {
          out.push_back(s);
        }
        prev_match = s.match;
      }
      break;
    case SplitBehavior::kMergedWithNext:
      for (size_t k = in.size(); k-- > 0;) {
        const Span& s = in[k];
        if (s.match && !prev_match && !out.empty()) {
          out.back().start = s.start;
        } else {
          out.push_back(s);
        }
        prev_match = s.match;
      }
      std::reverse(out.begin(), out.end());
      break;
    case SplitBehavior::kContiguous:
      for (const Span& s : in) {
        if (s.match == prev_match && !out.empty()) {
          out.back().end = s.end;
        } else {
          out.push_back(s);
        }
        prev_match = s.match;
      }
      break;
  }
}

}  // namespace

void split_pieces(const Regex& re, SplitBehavior behavior, bool invert,
                  std::vector<std::string>& pieces) {
  std::vector<std::string> out;
  out.reserve(pieces.size() * 2);
  thread_local std::vector<Span> spans, merged;
  thread_local std::string shadow;
  const UnicodeShadow& uni = UnicodeShadow::get();
  for (const std::string& p : pieces) {
    shadow = p;
    tag_ranges(re, uni.apply(shadow) ? std::string_view(shadow) : std::string_view(p), invert, spans);
    apply_behavior(behavior, spans, merged);
    for (const Span& s : merged)
      if (s.end > s.start) out.emplace_back(p, s.start, s.end - s.start);
  }
  pieces = std::move(out);
}

void PreTokenizer::run(std::string_view text, bool first, std::vector<std::string>& pieces) const {
  pieces.clear();
  if (text.empty()) return;
  pieces.emplace_back(text);
  for (const PreTokStep& st : steps) {
    switch (st.kind) {
      case PreTokStep::Kind::kSplit:
        split_pieces(*st.regex, st.behavior, st.invert, pieces);
        break;
      case PreTokStep::Kind::kByteLevel:
        if (st.add_prefix_space) {
          for (std::string& p : pieces)
            if (!p.starts_with(' ')) p.insert(p.begin(), ' ');
        }
        if (st.regex) split_pieces(*st.regex, SplitBehavior::kIsolated, false, pieces);
        break;
      case PreTokStep::Kind::kMetaspace: {
        for (size_t k = 0; k < pieces.size(); ++k) {
          std::string& p = pieces[k];
          std::string r;
          for (char c : p) {
            if (c == ' ') r += st.replacement; else r.push_back(c);
          }
          const bool prepend = st.prepend == PreTokStep::Prepend::kAlways ||
                               (st.prepend == PreTokStep::Prepend::kFirst && first && k == 0);
          if (prepend && !r.starts_with(st.replacement)) r.insert(0, st.replacement);
          p = std::move(r);
        }
        if (st.split) {
          static const Regex meta("\xE2\x96\x81", true, "Metaspace");
          const Regex re = st.replacement == "\xE2\x96\x81" ? meta : Regex(st.replacement, true, "Metaspace");
          split_pieces(re, SplitBehavior::kMergedWithNext, false, pieces);
        }
        break;
      }
    }
  }
  if (byte_level) {
    const ByteLevelMap& map = byte_level_map();
    for (std::string& p : pieces) {
      std::string mapped;
      mapped.reserve(p.size() * 2);
      map.encode(p, mapped);
      p = std::move(mapped);
    }
  }
}

namespace {

std::string utf8proc_apply(std::string_view text, int options) {
  utf8proc_uint8_t* out = nullptr;
  const utf8proc_ssize_t n = utf8proc_map(reinterpret_cast<const utf8proc_uint8_t*>(text.data()),
                                          static_cast<utf8proc_ssize_t>(text.size()), &out,
                                          static_cast<utf8proc_option_t>(options));
  if (n < 0) {
    throw Error(ErrorCode::kInvalidArgument,
                std::string("normalizer: utf8proc failed: ") + utf8proc_errmsg(n));
  }
  std::string r(reinterpret_cast<const char*>(out), static_cast<size_t>(n));
  std::free(out);
  return r;
}

}  // namespace

std::string Normalizer::run(std::string_view text) const {
  std::string s(text);
  for (const NormStep& st : steps) {
    switch (st.kind) {
      case NormStep::Kind::kNfc:
        s = utf8proc_apply(s, UTF8PROC_STABLE | UTF8PROC_COMPOSE);
        break;
      case NormStep::Kind::kNfd:
        s = utf8proc_apply(s, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE);
        break;
      case NormStep::Kind::kNfkc:
        s = utf8proc_apply(s, UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT);
        break;
      case NormStep::Kind::kNfkd:
        s = utf8proc_apply(s, UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT);
        break;
      case NormStep::Kind::kLowercase: {
        std::string r;
        r.reserve(s.size());
        for (size_t i = 0; i < s.size();)
          append_utf8(r, static_cast<uint32_t>(utf8proc_tolower(static_cast<int32_t>(next_codepoint(s, i)))));
        s = std::move(r);
        break;
      }
      case NormStep::Kind::kPrepend:
        if (!s.empty()) s.insert(0, st.text);
        break;
      case NormStep::Kind::kReplace: {
        std::vector<std::pair<size_t, size_t>> found;
        st.regex->find_all(s, found);
        std::string r;
        size_t prev = 0;
        for (auto [a, b] : found) {
          if (a == b) continue;
          r.append(s, prev, a - prev);
          r += st.text;
          prev = b;
        }
        r.append(s, prev);
        s = std::move(r);
        break;
      }
      case NormStep::Kind::kStrip: {
        size_t a = 0, b = s.size();
        // Unicode White_Space, as Rust's char::is_whitespace.
        static const Regex lead("^\\s+", false, "Strip"), trail("\\s+$", false, "Strip");
        std::vector<std::pair<size_t, size_t>> m;
        if (st.left) { lead.find_all(s, m); if (!m.empty()) a = m[0].second; m.clear(); }
        if (st.right) { trail.find_all(s, m); if (!m.empty() && m[0].first >= a) b = m[0].first; }
        s = s.substr(a, b - a);
        break;
      }
    }
  }
  return s;
}

}  // namespace loka::tok

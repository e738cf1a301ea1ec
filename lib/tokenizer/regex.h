// A compiled PCRE2 (UTF, UCP, JIT) pattern used by the pre-tokenizers: find all matches.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace loka::tok {

class Regex {
 public:
  /// Compiles once; a bad pattern is Error(kUnsupported) naming `where` and the offset.
  /// `literal` matches the text as is (HF Split pattern {"String": ...}).
  Regex(const std::string& pattern, bool literal, const std::string& where);
  /// Appends the [start, end) byte ranges of all non-overlapping matches (empty ones are split points) in `s`
  /// (valid UTF-8), left to right.
  void find_all(std::string_view s, std::vector<std::pair<size_t, size_t>>& out) const;
  const std::string& pattern() const { return pattern_; }

 private:
  struct Code;
  std::shared_ptr<Code> code_;
  std::string pattern_;
};

}  // namespace loka::tok

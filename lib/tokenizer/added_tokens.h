// Added/special token matching: splits text into raw-text segments and token ids.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace loka::tok {

struct AddedToken {
  int32_t id = -1;
  std::string content;
  bool lstrip = false, rstrip = false, single_word = false;
  bool normalized = false;
  bool special = false;  // not matched when parse_special is off
};

struct Segment {
  int32_t id;  // >= 0: a token; -1: raw text [start, end)
  size_t start, end;
};

class AddedTokenMatcher {
 public:
  enum class Mode {
    kLeftmostLongest,  // Hugging Face AddedVocabulary (aho-corasick, leftmost-longest)
    kLongestFirst,     // llama.cpp: each token, longest first, over the remaining fragments
  };
  void build(std::vector<AddedToken> tokens, Mode mode);
  bool empty() const { return tokens_.empty(); }
  const std::vector<AddedToken>& tokens() const { return tokens_; }
  /// Splits `text` into segments; whitespace taken by lstrip/rstrip is dropped.
  void split(std::string_view text, bool parse_special, std::vector<Segment>& out) const;

 private:
  void split_hf(std::string_view text, bool parse_special, std::vector<Segment>& out) const;
  void split_llama(std::string_view text, bool parse_special, std::vector<Segment>& out) const;
  std::vector<AddedToken> tokens_;                    // sorted longest first
  std::array<std::vector<uint32_t>, 256> by_first_;  // indices into tokens_, longest first
  Mode mode_ = Mode::kLeftmostLongest;
};

/// Rust char::is_whitespace (Unicode White_Space).
bool is_unicode_space(uint32_t cp);

}  // namespace loka::tok

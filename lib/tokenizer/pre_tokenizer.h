// Pre-tokenizers (HF Split/ByteLevel/Digits/Metaspace/..., llama.cpp regex lists) and normalizers.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/regex.h"

namespace loka::tok {

enum class SplitBehavior { kRemoved, kIsolated, kMergedWithPrevious, kMergedWithNext, kContiguous };

struct PreTokStep {
  enum class Kind { kSplit, kByteLevel, kMetaspace } kind = Kind::kSplit;
  std::shared_ptr<const Regex> regex;  // kSplit, and kByteLevel with use_regex
  SplitBehavior behavior = SplitBehavior::kIsolated;
  bool invert = false;
  bool add_prefix_space = false;  // kByteLevel
  std::string replacement;        // kMetaspace
  enum class Prepend { kAlways, kFirst, kNever } prepend = Prepend::kAlways;
  bool split = true;  // kMetaspace
};

/// A list of steps applied in order; each splits the pieces of the previous one.
class PreTokenizer {
 public:
  std::vector<PreTokStep> steps;
  /// True when a ByteLevel step maps bytes to GPT-2 code points (done on the final pieces).
  bool byte_level = false;
  /// Splits `text` into pieces; `first` says the text starts the input (Metaspace "first").
  void run(std::string_view text, bool first, std::vector<std::string>& pieces) const;
};

/// Applies one Split-like step to every piece.
void split_pieces(const Regex& re, SplitBehavior behavior, bool invert,
                  std::vector<std::string>& pieces);

struct NormStep {
  enum class Kind { kNfc, kNfd, kNfkc, kNfkd, kLowercase, kPrepend, kReplace, kStrip } kind;
  std::string text;                    // kPrepend: prefix; kReplace: replacement
  std::shared_ptr<const Regex> regex;  // kReplace pattern
  bool left = false, right = false;    // kStrip
};

class Normalizer {
 public:
  std::vector<NormStep> steps;
  bool empty() const { return steps.empty(); }
  std::string run(std::string_view text) const;
};

}  // namespace loka::tok

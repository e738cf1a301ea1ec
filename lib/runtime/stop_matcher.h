// Stop strings over streamed text: holds back text that may begin a stop string split across tokens.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace loka {

class StopMatcher {
 public:
  explicit StopMatcher(std::vector<std::string> stops);
  /// Adds generated text; returns what can be emitted now. Once a stop string is found,
  /// returns the text before it, drops the rest and matched() turns true.
  std::string push(std::string_view text);
  /// The text still held back (at the end of generation).
  std::string flush();
  bool matched() const { return matched_; }

 private:
  std::vector<std::string> stops_;
  std::string pending_;
  bool matched_ = false;
};

}  // namespace loka

// Stop strings over streamed text: holds back text that may begin a stop string split across tokens.
#include "runtime/stop_matcher.h"

#include <algorithm>

#include "core/error.h"

namespace loka {

StopMatcher::StopMatcher(std::vector<std::string> stops) : stops_(std::move(stops)) {
  for (size_t i = 0; i < stops_.size(); ++i)
    LOKA_CHECK(!stops_[i].empty(), ErrorCode::kInvalidArgument,
               "stop string " + std::to_string(i) + " is empty");
}

std::string StopMatcher::push(std::string_view text) {
  if (matched_) return {};
  pending_.append(text);
  size_t first = std::string::npos;
  for (const std::string& s : stops_) first = std::min(first, pending_.find(s));
  if (first != std::string::npos) {
    matched_ = true;
    std::string out = pending_.substr(0, first);
    pending_.clear();
    return out;
  }
  // Hold back the longest tail that is a proper prefix of some stop string: the next
  // tokens may complete it. Text before it can never be part of a match.
  size_t hold = 0;
  for (const std::string& s : stops_) {
    for (size_t len = std::min(s.size() - 1, pending_.size()); len > hold; --len) {
      if (pending_.compare(pending_.size() - len, len, s, 0, len) == 0) {
        hold = len;
        break;
      }
    }
  }
  std::string out = pending_.substr(0, pending_.size() - hold);
  pending_.erase(0, pending_.size() - hold);
  return out;
}

std::string StopMatcher::flush() {
  std::string out = matched_ ? std::string() : std::move(pending_);
  pending_.clear();
  return out;
}

}  // namespace loka

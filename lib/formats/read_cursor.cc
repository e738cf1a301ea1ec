// Bounds checks and error messages of ReadCursor.
#include "formats/read_cursor.h"

#include "core/error.h"

namespace loka {

void ReadCursor::require(uint64_t n, std::string_view field) const {
  if (n > remaining()) {
    fail(field, "needs " + std::to_string(n) + " bytes but only " + std::to_string(remaining()) +
                    " remain (file truncated?)");
  }
}

void ReadCursor::require_items(uint64_t count, uint64_t min_item_bytes,
                               std::string_view field) const {
  if (min_item_bytes != 0 && count > remaining() / min_item_bytes) {
    fail(field, "count " + std::to_string(count) + " is larger than the file could hold (" +
                    std::to_string(remaining()) + " bytes remain, each item needs at least " +
                    std::to_string(min_item_bytes) + ")");
  }
}

const uint8_t* ReadCursor::read_bytes(uint64_t n, std::string_view field) {
  require(n, field);
  const uint8_t* p = data_ + pos_;
  pos_ += n;
  return p;
}

void ReadCursor::seek(uint64_t offset, std::string_view field) {
  if (offset > size_) {
    fail(field, "offset " + std::to_string(offset) + " is past the end of the data (" +
                    std::to_string(size_) + " bytes)");
  }
  pos_ = offset;
}

void ReadCursor::fail_at(uint64_t offset, std::string_view field, const std::string& what) const {
  throw Error(ErrorCode::kFormat, source_ + ": " + std::string(field) + " at byte offset " +
                                      std::to_string(offset) + ": " + what);
}

}  // namespace loka

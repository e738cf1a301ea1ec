// Bounds checks and error messages of ReadCursor; UTF-8 validation.
#include "formats/read_cursor.h"

#include "core/error.h"

namespace loka {

bool is_valid_utf8(std::string_view s) {
  const auto* p = reinterpret_cast<const uint8_t*>(s.data());
  const size_t n = s.size();
  size_t i = 0;
  while (i < n) {
    const uint8_t c = p[i];
    if (c < 0x80) {
      ++i;
      continue;
    }
    int len;
    uint32_t cp;
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2, cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3, cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4, cp = c & 0x07;
    } else {
      return false;  // continuation byte, overlong 2-byte lead (C0, C1) or > U+10FFFF lead
    }
    if (n - i < static_cast<size_t>(len)) return false;
    for (int k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (p[i + k] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return false;
    if (cp >= 0xD800 && cp <= 0xDFFF) return false;
    i += static_cast<size_t>(len);
  }
  return true;
}

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

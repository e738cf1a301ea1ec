// Token table: id -> piece/attribute/score, piece -> id.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace loka::tok {

enum class TokenAttr : uint8_t { kNormal, kControl, kUserDefined, kUnknown, kByte, kUnused };

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};
template <typename V>
using StringMap = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

struct Vocab {
  std::vector<std::string> pieces;
  std::vector<TokenAttr> attrs;
  std::vector<float> scores;
  StringMap<int32_t> index;
  std::array<int32_t, 256> byte_tokens;  // id of "<0xNN>", or -1

  int32_t size() const { return static_cast<int32_t>(pieces.size()); }
  std::optional<int32_t> find(std::string_view piece) const {
    auto it = index.find(piece);
    if (it == index.end()) return std::nullopt;
    return it->second;
  }
  /// Adds a piece (or, for a piece already present, returns false).
  bool add(int32_t id, std::string piece, TokenAttr attr, float score);
  /// Fills byte_tokens from the "<0xNN>" pieces.
  void index_byte_tokens();
};

}  // namespace loka::tok

// Byte-pair-encoding model: merge ranks keyed by id pairs, priority merging, per-word cache.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "tokenizer/vocab.h"

namespace loka::tok {

class BpeModel {
 public:
  struct Merge {
    int32_t rank;
    int32_t new_id;
  };
  std::unordered_map<uint64_t, Merge> merges;  // (left id << 32 | right id) -> merge
  bool ignore_merges = false;  // a word that is itself a token is not split
  bool byte_fallback = false;  // unknown characters -> <0xNN> tokens
  bool fuse_unk = false;
  std::optional<int32_t> unk_id;

  static uint64_t key(int32_t a, int32_t b) {
    return (static_cast<uint64_t>(static_cast<uint32_t>(a)) << 32) | static_cast<uint32_t>(b);
  }
  /// Appends the ids of `word` (one pre-token, already byte-level mapped where applicable).
  void encode_word(const Vocab& vocab, std::string_view word, std::vector<int32_t>& out) const;

  BpeModel() = default;
  BpeModel(const BpeModel& o)
      : merges(o.merges), ignore_merges(o.ignore_merges), byte_fallback(o.byte_fallback),
        fuse_unk(o.fuse_unk), unk_id(o.unk_id) {}

 private:
  void merge_word(const Vocab& vocab, std::string_view word, std::vector<int32_t>& out) const;
  static constexpr size_t kCacheMax = 1 << 18;
  static constexpr size_t kCacheWordMax = 256;  // longer words are not cached
  mutable std::mutex cache_mutex_;
  mutable StringMap<std::vector<int32_t>> cache_;
};

}  // namespace loka::tok

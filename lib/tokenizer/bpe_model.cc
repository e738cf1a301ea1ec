// BPE merging as Hugging Face tokenizers does it: lowest rank first, leftmost on ties.
#include "tokenizer/bpe_model.h"

#include <queue>

#include "tokenizer/text_util.h"

namespace loka::tok {

namespace {

struct Symbol {
  int32_t id;
  int32_t prev, next;
  bool alive;
};

struct Candidate {
  int32_t rank;
  int32_t pos;
  int32_t new_id;
  int32_t right_id;  // to detect stale entries
  bool operator>(const Candidate& o) const {
    return rank != o.rank ? rank > o.rank : pos > o.pos;
  }
};

}  // namespace

void BpeModel::merge_word(const Vocab& vocab, std::string_view word,
                          std::vector<int32_t>& out) const {
  if (ignore_merges) {
    if (auto id = vocab.find(word)) {
      out.push_back(*id);
      return;
    }
  }
  std::vector<Symbol> syms;
  syms.reserve(word.size());
  bool prev_unk = false;
  for (size_t i = 0; i < word.size();) {
    const size_t len = std::min(utf8_len(static_cast<unsigned char>(word[i])), word.size() - i);
    const std::string_view ch = word.substr(i, len);
    i += len;
    if (auto id = vocab.find(ch)) {
      syms.push_back({*id, 0, 0, true});
      prev_unk = false;
      continue;
    }
    if (byte_fallback) {
      bool all = true;
      for (char c : ch) all = all && vocab.byte_tokens[static_cast<unsigned char>(c)] >= 0;
      if (all) {
        for (char c : ch) syms.push_back({vocab.byte_tokens[static_cast<unsigned char>(c)], 0, 0, true});
        prev_unk = false;
        continue;
      }
    }
    if (unk_id) {
      if (!(fuse_unk && prev_unk)) syms.push_back({*unk_id, 0, 0, true});
      prev_unk = true;
    }
  }
  const int32_t n = static_cast<int32_t>(syms.size());
  for (int32_t k = 0; k < n; ++k) {
    syms[k].prev = k - 1;
    syms[k].next = k + 1 < n ? k + 1 : -1;
  }
  std::priority_queue<Candidate, std::vector<Candidate>, std::greater<>> queue;
  auto consider = [&](int32_t pos) {
    if (pos < 0) return;
    const int32_t nx = syms[pos].next;
    if (nx < 0) return;
    auto it = merges.find(key(syms[pos].id, syms[nx].id));
    if (it != merges.end()) queue.push({it->second.rank, pos, it->second.new_id, syms[nx].id});
  };
  for (int32_t k = 0; k + 1 < n; ++k) consider(k);
  while (!queue.empty()) {
    const Candidate c = queue.top();
    queue.pop();
    Symbol& left = syms[c.pos];
    if (!left.alive || left.next < 0) continue;
    Symbol& right = syms[left.next];
    if (right.id != c.right_id) continue;
    auto it = merges.find(key(left.id, right.id));
    if (it == merges.end() || it->second.new_id != c.new_id) continue;
    left.id = c.new_id;
    right.alive = false;
    left.next = right.next;
    if (right.next >= 0) syms[right.next].prev = c.pos;
    consider(left.prev);
    consider(c.pos);
  }
  for (int32_t k = n > 0 ? 0 : -1; k >= 0; k = syms[k].next) out.push_back(syms[k].id);
}

void BpeModel::encode_word(const Vocab& vocab, std::string_view word,
                           std::vector<int32_t>& out) const {
  if (word.size() > kCacheWordMax) {
    merge_word(vocab, word, out);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(cache_mutex_);
    auto it = cache_.find(word);
    if (it != cache_.end()) {
      out.insert(out.end(), it->second.begin(), it->second.end());
      return;
    }
  }
  const size_t before = out.size();
  merge_word(vocab, word, out);
  std::vector<int32_t> ids(out.begin() + static_cast<ptrdiff_t>(before), out.end());
  std::lock_guard<std::mutex> lock(cache_mutex_);
  if (cache_.size() >= kCacheMax) cache_.clear();
  cache_.emplace(std::string(word), std::move(ids));
}

}  // namespace loka::tok

// SentencePiece score-based merging with byte fallback and resegmentation.
#include "tokenizer/spm_model.h"

#include <queue>
#include <string>
#include <utility>

#include "tokenizer/text_util.h"

namespace loka::tok {

namespace {

struct Sym {
  int32_t prev, next;
  size_t start, len;
};

struct Bigram {
  int32_t left, right;
  float score;
  size_t size;
  bool operator<(const Bigram& o) const {  // max-heap: higher score, then lower left
    return score < o.score || (score == o.score && left > o.left);
  }
};

class Session {
 public:
  Session(const Vocab& v, std::string_view t) : vocab_(v), text_(t) {}

  void run(std::vector<int32_t>& out) {
    for (size_t off = 0; off < text_.size();) {
      const size_t len = std::min(utf8_len(static_cast<unsigned char>(text_[off])), text_.size() - off);
      const auto idx = static_cast<int32_t>(syms_.size());
      syms_.push_back({idx - 1, off + len == text_.size() ? -1 : idx + 1, off, len});
      off += len;
    }
    for (int32_t i = 1; i < static_cast<int32_t>(syms_.size()); ++i) try_add(i - 1, i);
    while (!queue_.empty()) {
      const Bigram b = queue_.top();
      queue_.pop();
      Sym& l = syms_[b.left];
      Sym& r = syms_[b.right];
      if (l.len == 0 || r.len == 0 || l.len + r.len != b.size) continue;
      l.len += r.len;
      r.len = 0;
      l.next = r.next;
      if (r.next >= 0) syms_[r.next].prev = b.left;
      try_add(l.prev, b.left);
      try_add(b.left, l.next);
    }
    for (int32_t i = syms_.empty() ? -1 : 0; i != -1; i = syms_[i].next) resegment(syms_[i], out);
  }

 private:
  std::string_view piece(const Sym& s) const { return text_.substr(s.start, s.len); }

  void try_add(int32_t left, int32_t right) {
    if (left < 0 || right < 0) return;
    const std::string_view t = text_.substr(syms_[left].start, syms_[left].len + syms_[right].len);
    const auto id = vocab_.find(t);
    if (!id) return;
    queue_.push({left, right, vocab_.scores[*id], t.size()});
    rev_merge_[std::string(t)] = {left, right};
  }

  void resegment(const Sym& s, std::vector<int32_t>& out) {
    const std::string_view t = piece(s);
    if (auto id = vocab_.find(t)) {
      out.push_back(*id);
      return;
    }
    auto it = rev_merge_.find(t);
    if (it == rev_merge_.end()) {
      for (char c : t) {
        const auto b = static_cast<unsigned char>(c);
        if (vocab_.byte_tokens[b] >= 0) {
          out.push_back(vocab_.byte_tokens[b]);
        } else if (auto id = vocab_.find(std::string_view(&c, 1))) {
          out.push_back(*id);
        }
      }
      return;
    }
    const auto [l, r] = it->second;
    resegment(syms_[l], out);
    resegment(syms_[r], out);
  }

  const Vocab& vocab_;
  std::string_view text_;
  std::vector<Sym> syms_;
  std::priority_queue<Bigram> queue_;
  StringMap<std::pair<int32_t, int32_t>> rev_merge_;
};

}  // namespace

void spm_encode(const Vocab& vocab, std::string_view text, std::vector<int32_t>& out) {
  Session(vocab, text).run(out);
}

}  // namespace loka::tok

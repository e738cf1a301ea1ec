// A tiny deterministic Model for runtime tests: logits favour a scripted token (or last + 1).
#pragma once

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "core/error.h"
#include "models/model.h"

namespace loka::test {

class FakeCache : public KvCache {
 public:
  explicit FakeCache(int64_t capacity) : capacity_(capacity) {}
  int64_t size() const override { return static_cast<int64_t>(tokens.size()); }
  int64_t capacity() const override { return capacity_; }
  void truncate(int64_t n) override {
    LOKA_CHECK(n >= 0 && n <= size(), ErrorCode::kInvalidArgument, "fake cache: bad truncate");
    tokens.resize(static_cast<size_t>(n));
  }
  std::vector<int32_t> tokens;

 private:
  int64_t capacity_;
};

/// After the cache holds `base` + k tokens, the favoured next token is script[k] (the
/// last one repeats); with an empty script it is (last token + 1) % vocab.
class FakeModel : public Model {
 public:
  FakeModel(Tokenizer tok, int64_t context = 4096) : tok_(std::move(tok)) {
    info_.path = "fake-model";
    info_.format = "fake";
    info_.architecture = "FakeForCausalLM";
    info_.vocab_size = tok_.vocab_size();
    info_.context_length = context;
  }
  const ModelInfo& info() const override { return info_; }
  const Tokenizer& tokenizer() const override { return tok_; }
  std::vector<int32_t> eos_ids() const override { return tok_.eos_ids(); }
  std::unique_ptr<KvCache> new_cache(int64_t max_tokens) const override {
    return std::make_unique<FakeCache>(max_tokens == 0 ? info_.context_length : max_tokens);
  }
  Tensor forward(std::span<const int32_t> tokens, KvCache& cache, bool all_logits) override {
    auto& c = dynamic_cast<FakeCache&>(cache);
    LOKA_CHECK(!tokens.empty() && c.size() + static_cast<int64_t>(tokens.size()) <= c.capacity(),
               ErrorCode::kInvalidArgument, "fake forward: bad token count");
    c.tokens.insert(c.tokens.end(), tokens.begin(), tokens.end());
    batches.push_back(static_cast<int64_t>(tokens.size()));
    if (batches.size() == 1 || tokens.size() > 1) last_prefill.assign(tokens.begin(), tokens.end());
    const int64_t vocab = info_.vocab_size;
    Tensor logits = Tensor::zeros(DType::kF32, {1, vocab});
    int32_t next;
    if (script.empty()) {
      next = static_cast<int32_t>((c.tokens.back() + 1) % vocab);
    } else {
      const size_t k = static_cast<size_t>(std::max<int64_t>(0, c.size() - base));
      next = script[std::min(k, script.size() - 1)];
    }
    logits.data_as<float>()[next] = 10.0f;
    return logits;
  }

  std::vector<int32_t> script;
  int64_t base = 0;
  std::vector<int64_t> batches;       // tokens per forward call
  std::vector<int32_t> last_prefill;  // tokens of the last multi-token (or first) call

 private:
  Tokenizer tok_;
  ModelInfo info_;
};

}  // namespace loka::test

// Generation session: a model, its KV cache and a sampler; prefill, decode, stop conditions, streaming, stats.
#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "models/model.h"
#include "runtime/chat_prompt.h"
#include "runtime/sampler.h"

namespace loka {

struct GenerateOptions {
  int32_t max_tokens = 256;        ///< < 0: until EOS, a stop string or a full context
  std::vector<std::string> stop;   ///< stop strings; the matched text is not emitted
  bool ignore_eos = false;
  SamplerParams sampling;
};

enum class StopReason { kEos, kStopString, kMaxTokens, kContextFull, kCallback, kCancelled };
const char* stop_reason_name(StopReason reason);

struct GenerateStats {
  int64_t prompt_tokens = 0;     ///< tokens of the prompt
  int64_t cached_tokens = 0;     ///< of those, reused from the session's cache (not recomputed)
  int64_t generated_tokens = 0;  ///< sampled tokens, an EOS included
  double time_to_first_token_ms = 0;  ///< from the call to the first sampled token
  double prefill_ms = 0, decode_ms = 0;
  double prefill_tokens_per_s = 0;  ///< (prompt - cached) tokens / prefill time
  double decode_tokens_per_s = 0;   ///< tokens after the first / decode time
};

struct GenerateResult {
  std::string text;             ///< everything streamed, a matched stop string excluded
  std::vector<int32_t> tokens;  ///< sampled tokens
  StopReason stop_reason = StopReason::kMaxTokens;
  GenerateStats stats;
};

/// Receives UTF-8-complete pieces of text as they are generated; return false to stop.
using PieceCallback = std::function<bool(std::string_view piece)>;

/// One conversation with a model. Reuses its KV cache across calls: a prompt that starts
/// with the tokens already in the cache only runs the new ones (a chat turn after turn).
/// Not thread-safe, except cancel().
class Generator {
 public:
  /// `context`: tokens the cache holds (0 = the model's context length).
  explicit Generator(std::shared_ptr<Model> model, int64_t context = 0);

  /// The prompt is tokenized with the tokenizer's BOS/EOS rules (add_special).
  GenerateResult generate(std::string_view prompt, const GenerateOptions& options,
                          const PieceCallback& on_piece = {});
  GenerateResult generate(std::span<const int32_t> prompt, const GenerateOptions& options,
                          const PieceCallback& on_piece = {});
  /// Renders the model's chat template (add_generation_prompt forced on) and generates.
  /// The rendered text is tokenized without added specials, as transformers does.
  GenerateResult chat(const ChatRequest& request, const GenerateOptions& options,
                      const PieceCallback& on_piece = {});
  /// The prompt chat() would run.
  std::string render_chat(const ChatRequest& request) const;

  /// Stops the generate() running now, from any thread; when none runs, the next one
  /// returns at once with kCancelled.
  void cancel() { cancel_.store(true, std::memory_order_relaxed); }
  /// Empties the cache.
  void reset();
  const std::vector<int32_t>& cached_tokens() const { return cached_; }
  /// The logits of the last forward step of the last generate() (empty before one / after reset).
  const std::vector<float>& last_logits() const { return last_logits_; }
  int64_t context() const;
  Model& model() const { return *model_; }

 private:
  std::shared_ptr<Model> model_;
  std::unique_ptr<KvCache> cache_;
  std::vector<int32_t> cached_;  // the tokens whose keys/values the cache holds
  std::vector<float> last_logits_;
  std::atomic<bool> cancel_{false};
  mutable std::optional<ChatTemplate> template_;
};

}  // namespace loka

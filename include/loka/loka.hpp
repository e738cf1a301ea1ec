// The public C++ API of loka: load a model, tokenize, chat templates, generate text in a session.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

/// Public types live in loka::api (the loka namespace holds the library's internals,
/// whose loka::Model this API wraps).
namespace loka::api {

/// The library version, e.g. "0.1.0".
const char* version() noexcept;

/// Families of failure, as the C ABI's status codes.
enum class ErrorCode {
  kInvalidArgument, kNotFound, kIo, kFormat, kUnsupported, kUnavailable, kOutOfMemory, kInternal,
  kKey,       ///< no key, or the wrong key, for a sealed model file
  kIntegrity  ///< a sealed file failed authentication (damaged or tampered with)
};

/// Thrown by every call of this API; what() names the file, field or argument at fault.
class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

struct LoadOptions {
  std::string device = "cpu";  ///< "cpu" or "cuda:N"
  int threads = 0;             ///< 0 = all cores
  bool use_mmap = true;        ///< false: read the files into memory
  bool lock = false;           ///< mlock the weights
  std::function<void(double)> progress;  ///< fraction loaded, 0..1; may be empty
  // The key of a sealed (.lks) model, from at most one source (docs/sealed-format.md).
  std::string key_file;    ///< a file of 32 raw bytes or 64 hex digits
  std::string key_env;     ///< an environment variable holding 64 hex digits
  std::string passphrase;  ///< derived with the KDF the sealed file names
  /// Asked for the 32-byte key of a file whose public header names `key_id`: fill `key`
  /// and return true, or return false (a kKey error) when there is none.
  std::function<bool(const std::string& key_id, std::span<uint8_t> key)> key_callback;
};

struct ModelInfo {
  std::string path, format, architecture, weight_dtype;
  int64_t parameters = 0, vocab_size = 0, hidden_size = 0, layers = 0, heads = 0, kv_heads = 0;
  int64_t head_dim = 0, ffn_size = 0, context_length = 0;
  bool tied_embeddings = false;
};

struct ChatMessage {
  std::string role;     ///< "system", "user", "assistant", ...
  std::string content;
};

/// A loaded model. Copies share it; it stays loaded while a copy or a Session uses it.
/// Its const methods are thread-safe.
class Model {
 public:
  /// A Hugging Face folder (config.json, *.safetensors, tokenizer files) or a GGUF file.
  static Model load(const std::string& path, const LoadOptions& options = {});

  const ModelInfo& info() const;
  std::vector<int32_t> tokenize(std::string_view text, bool add_special = true,
                                bool parse_special = true) const;
  std::string detokenize(std::span<const int32_t> ids, bool skip_special = false) const;
  /// The prompt the model's chat template makes of `messages` (as transformers renders it).
  std::string apply_chat_template(const std::vector<ChatMessage>& messages,
                                  bool add_generation_prompt = true) const;
  int32_t vocab_size() const;
  std::vector<int32_t> eos_ids() const;

  struct Impl;
  explicit Model(std::shared_ptr<Impl> impl);
  const std::shared_ptr<Impl>& impl() const { return impl_; }

 private:
  std::shared_ptr<Impl> impl_;
};

/// The sampler chain runs penalties -> top-k -> top-p -> min-p -> temperature -> draw
/// (llama.cpp's default order). temperature <= 0 is greedy.
struct SamplingParams {
  float temperature = 0.8f;
  int32_t top_k = 40;             ///< <= 0: off
  float top_p = 0.95f;            ///< >= 1: off
  float min_p = 0.05f;            ///< <= 0: off
  float repeat_penalty = 1.0f;    ///< 1: off
  float presence_penalty = 0.0f;  ///< 0: off
  float frequency_penalty = 0.0f; ///< 0: off
  int32_t penalty_last_n = 64;    ///< tokens the penalties look back on; < 0: all
  uint64_t seed = 0;              ///< same seed, same output
};

struct GenerateParams {
  int32_t max_tokens = 256;       ///< < 0: until EOS, a stop string or a full context
  std::vector<std::string> stop;  ///< stop strings (not part of the output)
  bool ignore_eos = false;
  SamplingParams sampling;
};

enum class StopReason { kEos, kStopString, kMaxTokens, kContextFull, kCallback, kCancelled };

struct Stats {
  int64_t prompt_tokens = 0, cached_tokens = 0, generated_tokens = 0;
  double time_to_first_token_ms = 0, prefill_ms = 0, decode_ms = 0;
  double prefill_tokens_per_s = 0, decode_tokens_per_s = 0;
};

struct Result {
  std::string text;
  std::vector<int32_t> tokens;
  StopReason stop_reason = StopReason::kMaxTokens;
  Stats stats;
};

/// Receives each new piece of text (always whole UTF-8 characters); return false to stop.
using TokenCallback = std::function<bool(std::string_view piece)>;

/// One conversation: a KV cache and a sampler over a model. A prompt that extends what
/// the session already holds only runs the new tokens. Use from one thread at a time,
/// except cancel().
class Session {
 public:
  /// `context`: tokens the session can hold (0 = the model's context length).
  explicit Session(const Model& model, int64_t context = 0);
  ~Session();
  Session(Session&&) noexcept;
  Session& operator=(Session&&) noexcept;

  /// Text prompts get the tokenizer's BOS as the model config says.
  Result generate(std::string_view prompt, const GenerateParams& params = {},
                  const TokenCallback& on_token = {});
  Result generate(std::span<const int32_t> prompt, const GenerateParams& params = {},
                  const TokenCallback& on_token = {});
  /// Renders `messages` with the model's chat template and answers as the assistant.
  Result chat(const std::vector<ChatMessage>& messages, const GenerateParams& params = {},
              const TokenCallback& on_token = {});
  /// Stops the running generate/chat soon (from any thread); if none runs, the next one.
  void cancel() noexcept;
  /// Forgets the conversation.
  void reset();
  int64_t context() const;
  const Model& model() const;
  /// The logits of the last forward step of the last generate/chat, one per vocabulary
  /// entry (the distribution its last token was drawn from; with max_tokens = 0, the
  /// next-token distribution after the prompt). Empty before a generation and after reset().
  std::span<const float> last_logits() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace loka::api

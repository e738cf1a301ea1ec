// A loaded language model: weights, config, tokenizer, and the forward pass over a KV cache.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "seal/key_source.h"
#include "tokenizer/tokenizer.h"

namespace loka {

class Backend;

struct ModelLoadOptions {
  std::string device = "cpu";  ///< "cpu" or "cuda:N"
  int threads = 0;             ///< 0 = all cores
  bool use_mmap = true;        ///< false: read the files into memory
  bool lock = false;           ///< mlock the weights
  /// Called with the fraction loaded (0..1) while loading; may be empty.
  std::function<void(double)> progress;
  /// The key of a sealed (.lks) model; a sealed file is decrypted into anonymous memory.
  seal::KeySource key;
};

/// What `loka info` prints.
struct ModelInfo {
  std::string path;
  std::string format;        ///< "safetensors" or "gguf"
  std::string architecture;  ///< e.g. "LlamaForCausalLM", "Qwen3ForCausalLM"
  int64_t parameters = 0;
  std::string weight_dtype;  ///< dtype of most weight bytes, e.g. "bf16"
  int64_t vocab_size = 0, hidden_size = 0, layers = 0, heads = 0, kv_heads = 0, head_dim = 0;
  int64_t ffn_size = 0, context_length = 0;
  bool tied_embeddings = false;
};

/// Per-sequence attention state: keys and values of every layer for the tokens seen so far.
class KvCache {
 public:
  virtual ~KvCache() = default;
  virtual int64_t size() const = 0;      ///< tokens held
  virtual int64_t capacity() const = 0;  ///< tokens it can hold
  /// Drops everything after the first `n` tokens (n <= size()).
  virtual void truncate(int64_t n) = 0;
};

class Model {
 public:
  /// `path`: a Hugging Face folder (config.json + *.safetensors + tokenizer files), a
  /// GGUF file, or a sealed container of either (needs options.key). Throws Error naming the file and field on anything it cannot run.
  static std::shared_ptr<Model> load(const std::string& path, const ModelLoadOptions& options = {});
  virtual ~Model() = default;

  virtual const ModelInfo& info() const = 0;
  /// Throws Error(kNotFound) when !has_tokenizer().
  virtual const Tokenizer& tokenizer() const = 0;
  /// False for weights-only models (a folder without tokenizer.json, a GGUF without
  /// tokenizer.ggml.* keys): they run on token ids only.
  virtual bool has_tokenizer() const { return true; }
  /// End-of-sequence ids from the model config (generation_config.json / GGUF) and tokenizer.
  virtual std::vector<int32_t> eos_ids() const = 0;

  /// A cache for one sequence of up to `max_tokens` (<= context_length; 0 = context_length).
  virtual std::unique_ptr<KvCache> new_cache(int64_t max_tokens = 0) const = 0;

  /// Runs `tokens` at the positions after what `cache` holds (a whole prompt in one
  /// batched pass, or one token while decoding), appends their keys/values to `cache`
  /// and returns F32 logits: [tokens.size(), vocab] when `all_logits`, else [1, vocab]
  /// for the last token. Not thread-safe for one cache; different caches may run concurrently
  /// only if the implementation says so.
  virtual Tensor forward(std::span<const int32_t> tokens, KvCache& cache, bool all_logits = false) = 0;

  /// forward() for the logits of the last token only, [1, vocab], left where the model
  /// computed them (device memory on a GPU; valid until the next forward on `cache`), so
  /// that a sampler on the same device reads them without a copy. See backend().
  virtual Tensor forward_last(std::span<const int32_t> tokens, KvCache& cache) {
    return forward(tokens, cache, false);
  }
  /// The backend whose memory forward_last's logits may live in; null: always the host.
  virtual Backend* backend() const { return nullptr; }
};

}  // namespace loka

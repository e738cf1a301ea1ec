// The forward pass shared by Llama, Mistral, Qwen2 and Qwen3 (differences are flags in
// ModelHparams).
#pragma once

#include <memory>
#include <span>

#include "backend/backend.h"
#include "models/hparams.h"
#include "models/kv_cache.h"
#include "models/llama_weights.h"

namespace loka {

class LlamaFamily {
 public:
  LlamaFamily(ModelHparams h, LlamaWeights w, std::shared_ptr<Backend> backend);

  const ModelHparams& hparams() const { return h_; }
  const LlamaWeights& weights() const { return w_; }
  std::unique_ptr<LlamaKvCache> new_cache(int64_t max_tokens) const;

  /// See Model::forward. Throws kInvalidArgument for an empty chunk, a chunk past the
  /// cache's capacity, a token id outside the vocabulary or a cache of another model;
  /// the cache is unchanged when it throws.
  Tensor forward(std::span<const int32_t> tokens, LlamaKvCache& cache, bool all_logits);

 private:
  void attention_block(const LayerWeights& l, size_t layer, LlamaKvCache& cache, int64_t pos,
                       int64_t n);
  void mlp_block(const LayerWeights& l, ForwardScratch& s, int64_t n);

  ModelHparams h_;
  LlamaWeights w_;
  std::shared_ptr<Backend> be_;
};

}  // namespace loka

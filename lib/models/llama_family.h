// The forward pass shared by Llama, Mistral, Qwen2 and Qwen3 (differences are flags in
// ModelHparams).
#pragma once

#include <memory>
#include <span>

#include "backend/backend.h"
#include "models/hparams.h"
#include "models/kv_cache.h"
#include "models/llama_weights.h"
#include "models/weights_upload.h"
#include "ops/fused_matvec.h"

namespace loka {

class LlamaFamily {
 public:
  /// On a device backend the weights are uploaded, through `copy` if given.
  LlamaFamily(ModelHparams h, LlamaWeights w, std::shared_ptr<Backend> backend,
              const HostTensorCopy& copy = {});

  const ModelHparams& hparams() const { return h_; }
  const LlamaWeights& weights() const { return w_; }
  std::unique_ptr<LlamaKvCache> new_cache(int64_t max_tokens) const;

  /// See Model::forward. Throws kInvalidArgument for an empty chunk, a chunk past the
  /// cache's capacity, a token id outside the vocabulary or a cache of another model;
  /// the cache is unchanged when it throws.
  /// With !logits_on_host the logits stay where they were computed (see Model::forward_last).
  Tensor forward(std::span<const int32_t> tokens, LlamaKvCache& cache, bool all_logits,
                 bool logits_on_host = true);
  Backend* backend() const { return be_.get(); }

 private:
  // What a chunk of n tokens reads: its positions, and either the first position (the
  // keys/values go to cache rows [pos, pos + n) and attention covers pos + n rows) or, for
  // the recorded decode step, a kv_len tensor read when the step runs.
  struct Chunk {
    int64_t n = 0;
    Tensor positions;  // i32 [n] on the backend
    int64_t pos = 0;
    const Tensor* kv_len = nullptr;
  };

  void attention_block(const LayerWeights& l, size_t layer, LlamaKvCache& cache,
                       const Chunk& chunk);
  /// Attention of q3 [n, heads, head_dim] over the first `seen` cache rows (or kv_len of them,
  /// read when it runs) into out [n, heads * head_dim].
  void attend(const LayerWeights& l, size_t layer, LlamaKvCache& cache, const Tensor& q3, int64_t seen,
              const Tensor* kv_len, const Tensor& out);
  void mlp_block(const LayerWeights& l, ForwardScratch& s, int64_t n);
  /// The layers and the final norm over rows(s.x, chunk.n), embedded already.
  void layers(LlamaKvCache& cache, const Chunk& chunk);
  /// One token through the recorded step (a CUDA graph on the GPU): logits [1, vocab].
  Tensor decode(int32_t token, LlamaKvCache& cache, bool logits_on_host);
  void record_decode(LlamaKvCache& cache);

  // The recorded step with the norms, RoPE, KV append, SwiGLU and residual adds fused into its
  // GEMVs (ops/fused_matvec.h): a layer is these four launches and the attention between
  // the first two.
  struct FusedLayer {
    ops::FusedMatVec qkv, o, gate_up, down;
  };
  FusedLayer fused_layer(size_t layer, LlamaKvCache& cache) const;
  ops::FusedMatVec fused_head(LlamaKvCache& cache) const;  // final norm + lm_head
  bool fused_decode_supported(LlamaKvCache& cache) const;
  /// t itself on a host backend, else a host copy (waits for the queued work).
  Tensor on_host(const Tensor& t) const;

  ModelHparams h_;
  LlamaWeights w_;
  std::shared_ptr<Backend> be_;
  DType gemm_input_ = DType::kF32;  // the scratch's GEMM inputs (ForwardScratch)
};

}  // namespace loka

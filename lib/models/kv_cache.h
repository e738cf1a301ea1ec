// The Llama-family KV cache: per-layer key/value tensors plus the forward pass's scratch buffers.
#pragma once

#include <memory>
#include <vector>

#include "backend/backend.h"
#include "core/tensor.h"
#include "models/hparams.h"
#include "models/model.h"

namespace loka {

/// Activation buffers of one forward pass, [rows, ...], in the backend's memory. Sized
/// for one token when the cache is made, so decoding allocates nothing; grown (never
/// shrunk) for longer chunks. The recorded decode step (LlamaFamily) holds pointers to
/// them, so growing drops it. The GEMMs' inputs (norm, attn, act) are in `gemm_input`, the
/// dtype ensure() is given; the rest are f32.
struct ForwardScratch {
  int64_t rows = 0;
  Tensor x;          // [rows, hidden] the residual stream
  Tensor norm;       // [rows, hidden] gemm_input
  Tensor q;          // [rows, heads * head_dim]
  Tensor attn;       // [rows, heads * head_dim] gemm_input
  Tensor proj;       // [rows, hidden] o_proj / down_proj output
  Tensor gate, up;   // [rows, ffn]
  Tensor act;        // [rows, ffn] gemm_input: SwiGLU(gate, up); gate itself when that is f32
  Tensor positions;  // i32 [rows]

  // The recorded single-token step and what it reads and writes besides the above.
  Tensor step;          // i32 [3]: token id, its position, the cache length after it
  Tensor k_new, v_new;  // [1, kv_heads, head_dim] before they go into the cache
  Tensor qkv;           // [1, (heads + 2 kv_heads) * head_dim] with fused q/k/v weights
  Tensor gate_up;       // [1, 2 ffn] with fused gate/up weights
  Tensor step_attn;     // [1, heads * head_dim] f32: the fused step's attention (o GEMV input)
  Tensor logits;        // [1, vocab] f32
  std::unique_ptr<CapturedWork> decode_step;

  void ensure(Backend& be, const ModelHparams& h, DType gemm_input, int64_t n);
};

class LlamaKvCache final : public KvCache {
 public:
  /// `owner` identifies the model the cache belongs to (checked by forward); the tensors
  /// live in `be`'s memory; `gemm_input` is the scratch's GEMM input dtype (ForwardScratch).
  LlamaKvCache(const void* owner, Backend& be, const ModelHparams& h, DType gemm_input,
               int64_t capacity);

  int64_t size() const override { return size_; }
  int64_t capacity() const override { return capacity_; }
  void truncate(int64_t n) override;

  const void* owner() const { return owner_; }
  int64_t layers() const { return static_cast<int64_t>(keys_.size()); }
  /// [capacity, kv_heads, head_dim] f32; rows past size() hold stale data.
  const Tensor& keys(size_t layer) const { return keys_[layer]; }
  const Tensor& values(size_t layer) const { return values_[layer]; }
  /// Called by forward after it wrote rows [size(), n).
  void set_size(int64_t n) { size_ = n; }
  ForwardScratch& scratch() { return scratch_; }

 private:
  const void* owner_;
  int64_t capacity_, size_ = 0;
  std::vector<Tensor> keys_, values_;
  ForwardScratch scratch_;
};

}  // namespace loka

// LlamaKvCache allocation and truncation; scratch growth.
#include "models/kv_cache.h"

#include "core/error.h"

namespace loka {

void ForwardScratch::ensure(Backend& be, const ModelHparams& h, DType gemm_input, int64_t n) {
  if (n <= rows) return;
  decode_step.reset();
  if (rows == 0) {
    step = be.alloc(DType::kI32, {3});
    k_new = be.alloc(DType::kF32, {1, h.kv_heads, h.head_dim});
    v_new = be.alloc(DType::kF32, {1, h.kv_heads, h.head_dim});
    logits = be.alloc(DType::kF32, {1, h.vocab});
    qkv = be.alloc(DType::kF32, {1, (h.heads + 2 * h.kv_heads) * h.head_dim});
    gate_up = be.alloc(DType::kF32, {1, 2 * h.ffn});
    step_attn = be.alloc(DType::kF32, {1, h.heads * h.head_dim});
  }
  const int64_t q_width = h.heads * h.head_dim;
  x = be.alloc(DType::kF32, {n, h.hidden});
  norm = be.alloc(gemm_input, {n, h.hidden});
  q = be.alloc(DType::kF32, {n, q_width});
  attn = be.alloc(gemm_input, {n, q_width});
  proj = be.alloc(DType::kF32, {n, h.hidden});
  gate = be.alloc(DType::kF32, {n, h.ffn});
  up = be.alloc(DType::kF32, {n, h.ffn});
  act = gemm_input == DType::kF32 ? gate : be.alloc(gemm_input, {n, h.ffn});
  positions = be.alloc(DType::kI32, {n});
  rows = n;
}

LlamaKvCache::LlamaKvCache(const void* owner, Backend& be, const ModelHparams& h,
                           DType gemm_input, int64_t capacity)
    : owner_(owner), capacity_(capacity) {
  LOKA_CHECK(capacity > 0 && capacity <= h.context, ErrorCode::kInvalidArgument,
             "KV cache of " + std::to_string(capacity) + " tokens: expected 1 .. " +
                 std::to_string(h.context) + " (the model's context length)");
  keys_.reserve(static_cast<size_t>(h.layers));
  values_.reserve(static_cast<size_t>(h.layers));
  for (int64_t l = 0; l < h.layers; ++l) {
    keys_.push_back(be.alloc(DType::kF32, {capacity, h.kv_heads, h.head_dim}));
    values_.push_back(be.alloc(DType::kF32, {capacity, h.kv_heads, h.head_dim}));
  }
  scratch_.ensure(be, h, gemm_input, 1);
}

void LlamaKvCache::truncate(int64_t n) {
  LOKA_CHECK(n >= 0 && n <= size_, ErrorCode::kInvalidArgument,
             "KV cache truncate(" + std::to_string(n) + "): the cache holds " +
                 std::to_string(size_) + " tokens");
  size_ = n;
}

}  // namespace loka

// LlamaFamily::forward: embedding, the pre-norm attention + SwiGLU blocks over a KV cache, lm_head.
#include "models/llama_family.h"

#include <vector>

#include "core/error.h"
#include "models/weights_upload.h"
#include "ops/activations.h"
#include "ops/attention.h"
#include "ops/binary.h"
#include "ops/embedding.h"
#include "ops/fused_matvec.h"
#include "ops/matmul.h"
#include "ops/rms_norm.h"
#include "ops/rope.h"
#include "ops/set_rows.h"

namespace loka {
namespace {

// The first n rows of a scratch buffer: contiguous, usable as an op's `out`.
Tensor rows(const Tensor& t, int64_t n) { return t.slice(0, 0, n); }

bool is_16bit_float(DType t) { return t == DType::kBF16 || t == DType::kF16; }

// The dtype of the GEMMs' inputs (the normalised rows, the attention, the SwiGLU product). A
// device backend's GEMM (cuBLASLt) multiplies operands of one dtype, so with 16-bit weights
// the ops before the GEMMs write that dtype rather than f32 activations each GEMM would
// convert first. The host backend keeps f32.
DType gemm_input_dtype(const Backend& be, const LlamaWeights& w) {
  if (be.device().is_host() || w.layers.empty()) return DType::kF32;
  const DType t = w.layers.front().wq.dtype();
  return is_16bit_float(t) ? t : DType::kF32;
}

}  // namespace

LlamaFamily::LlamaFamily(ModelHparams h, LlamaWeights w, std::shared_ptr<Backend> backend,
                         const HostTensorCopy& copy)
    : h_(std::move(h)), be_(std::move(backend)) {
  // A device backend computes from its own memory: the weights move there once.
  w_ = be_->device().is_host() ? std::move(w) : upload_llama_weights(w, *be_, copy);
  gemm_input_ = gemm_input_dtype(*be_, w_);
}

std::unique_ptr<LlamaKvCache> LlamaFamily::new_cache(int64_t max_tokens) const {
  return std::make_unique<LlamaKvCache>(this, *be_, h_, gemm_input_,
                                        max_tokens == 0 ? h_.context : max_tokens);
}

void LlamaFamily::attention_block(const LayerWeights& l, size_t layer, LlamaKvCache& cache,
                                  const Chunk& chunk) {
  Backend& be = *be_;
  ForwardScratch& s = cache.scratch();
  const int64_t n = chunk.n, pos = chunk.pos;
  const Tensor norm = rows(s.norm, n);
  const Tensor& positions = chunk.positions;

  // q goes to scratch; k and v straight into their cache rows, or, in the recorded step
  // (whose rows are known only when it runs), to scratch and then scattered there. With
  // q, k and v weights in one matrix (device backends) the step runs one GEMV for them.
  const bool recorded = chunk.kv_len != nullptr;
  const int64_t kv_width = h_.kv_heads * h_.head_dim, q_width = h_.heads * h_.head_dim;
  Tensor q, k, v;
  const bool fused = recorded && l.wqkv.defined();
  if (fused) {
    ops::matmul(be, norm, l.wqkv, true, &s.qkv);
    const Tensor flat = s.qkv.reshape({s.qkv.numel()});
    q = flat.slice(0, 0, q_width).reshape({1, q_width});
    k = flat.slice(0, q_width, q_width + kv_width).reshape({1, h_.kv_heads, h_.head_dim});
    v = flat.slice(0, q_width + kv_width, q_width + 2 * kv_width)
            .reshape({1, h_.kv_heads, h_.head_dim});
  } else {
    q = rows(s.q, n);
    k = recorded ? s.k_new : cache.keys(layer).slice(0, pos, pos + n);
    v = recorded ? s.v_new : cache.values(layer).slice(0, pos, pos + n);
  }
  const Tensor k2 = k.reshape({n, kv_width}), v2 = v.reshape({n, kv_width});
  if (!fused) {
    ops::matmul(be, norm, l.wq, true, &q);
    ops::matmul(be, norm, l.wk, true, &k2);
    ops::matmul(be, norm, l.wv, true, &v2);
  }
  if (h_.qkv_bias) {
    ops::add(be, q, l.bq, &q);
    ops::add(be, k2, l.bk, &k2);
    ops::add(be, v2, l.bv, &v2);
  }
  const Tensor q3 = q.reshape({n, h_.heads, h_.head_dim});
  if (h_.qk_norm) {
    ops::rms_norm(be, q3, l.q_norm, h_.eps, &q3);
    ops::rms_norm(be, k, l.k_norm, h_.eps, &k);
  }
  if (fused) {  // q's heads and k's heads are neighbours in s.qkv: one rope for both
    const Tensor qk = s.qkv.reshape({s.qkv.numel()})
                          .slice(0, 0, q_width + kv_width)
                          .reshape({1, h_.heads + h_.kv_heads, h_.head_dim});
    ops::rope(be, qk, positions, h_.rope, &qk);
  } else {
    ops::rope(be, q3, positions, h_.rope, &q3);
    ops::rope(be, k, positions, h_.rope, &k);
  }
  if (recorded) {
    const Tensor kv_rows[] = {k, v}, kv_tables[] = {cache.keys(layer), cache.values(layer)};
    ops::set_rows(be, kv_rows, positions, kv_tables);
  }

  const Tensor attn = rows(s.attn, n), proj = rows(s.proj, n);
  attend(l, layer, cache, q3, recorded ? cache.capacity() : pos + n, chunk.kv_len, attn);
  ops::matmul(be, attn, l.wo, true, &proj);
  if (h_.o_bias) ops::add(be, proj, l.bo, &proj);
}

void LlamaFamily::attend(const LayerWeights& l, size_t layer, LlamaKvCache& cache, const Tensor& q3,
                         int64_t seen, const Tensor* kv_len, const Tensor& out) {
  const Tensor attn3 = out.reshape({q3.dim(0), h_.heads, h_.head_dim});
  // A 16-bit model tolerates 16-bit attention inputs (the GPU's matrix units want them).
  const bool low_precision = is_16bit_float(l.wq.dtype());
  ops::attention(*be_, q3, cache.keys(layer).slice(0, 0, seen), cache.values(layer).slice(0, 0, seen),
                 AttentionParams{.low_precision = low_precision}, &attn3, kv_len);
}

void LlamaFamily::mlp_block(const LayerWeights& l, ForwardScratch& s, int64_t n) {
  Backend& be = *be_;
  const Tensor norm = rows(s.norm, n), proj = rows(s.proj, n), act = rows(s.act, n);
  Tensor gate = rows(s.gate, n), up = rows(s.up, n);
  if (n == 1 && l.w_gate_up.defined()) {  // one GEMV for both (device backends)
    ops::matmul(be, norm, l.w_gate_up, true, &s.gate_up);
    const Tensor flat = s.gate_up.reshape({2 * h_.ffn});
    gate = flat.slice(0, 0, h_.ffn).reshape({1, h_.ffn});
    up = flat.slice(0, h_.ffn, 2 * h_.ffn).reshape({1, h_.ffn});
  } else {
    ops::matmul(be, norm, l.w_gate, true, &gate);
    ops::matmul(be, norm, l.w_up, true, &up);
  }
  ops::swiglu(be, gate, up, &act);
  ops::matmul(be, act, l.w_down, true, &proj);
}

Tensor LlamaFamily::forward(std::span<const int32_t> tokens, LlamaKvCache& cache, bool all_logits,
                            bool logits_on_host) {
  // The owner pointer alone could match a new model at a freed model's address.
  const ForwardScratch& sc = cache.scratch();
  LOKA_CHECK(cache.owner() == this && cache.layers() == h_.layers &&
                 cache.keys(0).shape() == (Shape{cache.capacity(), h_.kv_heads, h_.head_dim}) &&
                 sc.x.dim(1) == h_.hidden && sc.q.dim(1) == h_.heads * h_.head_dim &&
                 sc.gate.dim(1) == h_.ffn,
             ErrorCode::kInvalidArgument, "forward: the KV cache was made by another model");
  const auto n = static_cast<int64_t>(tokens.size());
  const int64_t pos = cache.size();
  LOKA_CHECK(n > 0, ErrorCode::kInvalidArgument, "forward: no tokens");
  LOKA_CHECK(n <= cache.capacity() - pos, ErrorCode::kInvalidArgument,
             "forward: " + std::to_string(n) + " tokens after " + std::to_string(pos) +
                 " exceed the KV cache capacity of " + std::to_string(cache.capacity()));
  for (int64_t i = 0; i < n; ++i) {
    LOKA_CHECK(tokens[i] >= 0 && tokens[i] < h_.vocab, ErrorCode::kInvalidArgument,
               "forward: token id " + std::to_string(tokens[i]) + " at position " +
                   std::to_string(i) + " is outside the vocabulary (" + std::to_string(h_.vocab) +
                   ")");
  }
  ForwardScratch& s = cache.scratch();
  s.ensure(*be_, h_, gemm_input_, n);
  if (n == 1 && !all_logits) return decode(tokens[0], cache, logits_on_host);
  std::vector<int32_t> positions(static_cast<size_t>(n));
  for (int64_t i = 0; i < n; ++i) positions[static_cast<size_t>(i)] = static_cast<int32_t>(pos + i);
  be_->copy(Tensor::borrow(DType::kI32, {n}, positions.data(), nullptr), rows(s.positions, n));

  const Tensor ids = Tensor::borrow(DType::kI32, {n}, tokens.data(), nullptr);
  const Tensor x = rows(s.x, n);
  ops::embedding(*be_, w_.embed, ids, DType::kF32, &x);
  layers(cache, Chunk{n, rows(s.positions, n), pos, nullptr});
  cache.set_size(pos + n);

  const Tensor norm = rows(s.norm, n);  // the final norm of every row
  const Tensor logits = ops::matmul(*be_, all_logits ? norm : norm.slice(0, n - 1, n), w_.lm_head);
  return logits_on_host ? on_host(logits) : logits;
}

// Each block adds its output to the residual stream x in the same op that normalises the
// sum for the next block (or, after the last, with the final norm), so s.norm ends as the
// final norm of x.
void LlamaFamily::layers(LlamaKvCache& cache, const Chunk& chunk) {
  ForwardScratch& s = cache.scratch();
  const Tensor x = rows(s.x, chunk.n), norm = rows(s.norm, chunk.n), proj = rows(s.proj, chunk.n);
  ops::rms_norm(*be_, x, w_.layers.front().attn_norm, h_.eps, &norm);
  for (size_t i = 0; i < w_.layers.size(); ++i) {
    const LayerWeights& l = w_.layers[i];
    attention_block(l, i, cache, chunk);
    ops::rms_norm_residual(*be_, proj, x, l.ffn_norm, h_.eps, norm, x);
    mlp_block(l, s, chunk.n);
    const Tensor& next = i + 1 < w_.layers.size() ? w_.layers[i + 1].attn_norm : w_.final_norm;
    ops::rms_norm_residual(*be_, proj, x, next, h_.eps, norm, x);
  }
}

Tensor LlamaFamily::on_host(const Tensor& t) const {
  if (t.device().is_host()) return t;
  Tensor host = Tensor::empty(t.dtype(), t.shape());
  be_->copy(t, host);
  return host;
}

Tensor LlamaFamily::decode(int32_t token, LlamaKvCache& cache, bool logits_on_host) {
  ForwardScratch& s = cache.scratch();
  const int64_t pos = cache.size();
  const int32_t step[3] = {token, static_cast<int32_t>(pos), static_cast<int32_t>(pos + 1)};
  be_->copy(Tensor::borrow(DType::kI32, {3}, step, nullptr), s.step);
  if (!s.decode_step) s.decode_step = be_->capture([this, &cache] { record_decode(cache); });
  s.decode_step->replay();
  cache.set_size(pos + 1);
  return logits_on_host ? on_host(s.logits) : s.logits;
}

// Everything a step reads that changes between steps is in s.step; the rest are the same
// tensors every time.
void LlamaFamily::record_decode(LlamaKvCache& cache) {
  ForwardScratch& s = cache.scratch();
  const Tensor ids = s.step.slice(0, 0, 1), kv_len = s.step.slice(0, 2, 3);
  const Tensor x = rows(s.x, 1), norm = rows(s.norm, 1);
  ops::embedding(*be_, w_.embed, ids, DType::kF32, &x);
  if (fused_decode_supported(cache)) {
    for (size_t i = 0; i < w_.layers.size(); ++i) {
      const FusedLayer f = fused_layer(i, cache);
      ops::fused_matvec(*be_, f.qkv);
      attend(w_.layers[i], i, cache, rows(s.q, 1).reshape({1, h_.heads, h_.head_dim}),
             cache.capacity(), &kv_len, s.step_attn);
      ops::fused_matvec(*be_, f.o);
      ops::fused_matvec(*be_, f.gate_up);
      ops::fused_matvec(*be_, f.down);
    }
    ops::fused_matvec(*be_, fused_head(cache));
    return;
  }
  layers(cache, Chunk{1, s.step.slice(0, 1, 2), 0, &kv_len});
  ops::matmul(*be_, norm, w_.lm_head, true, &s.logits);
}

// x is the residual stream: each block's input is normalised inside its first GEMV, and its
// last GEMV adds its output to x.
LlamaFamily::FusedLayer LlamaFamily::fused_layer(size_t layer, LlamaKvCache& cache) const {
  const LayerWeights& l = w_.layers[layer];
  ForwardScratch& s = cache.scratch();
  const Tensor x = rows(s.x, 1);
  const Tensor gate = rows(s.gate, 1);
  using ops::FusedMatVec;
  return FusedLayer{
      .qkv = FusedMatVec{.x = x, .weight = l.wqkv, .norm_weight = l.attn_norm, .eps = h_.eps,
                         .bias = l.bqkv, .epilogue = MatVecEpilogue::kRopeKv, .out = rows(s.q, 1),
                         .positions = s.step.slice(0, 1, 2), .rope = h_.rope,
                         .k_table = cache.keys(layer), .v_table = cache.values(layer)},
      .o = FusedMatVec{.x = s.step_attn, .weight = l.wo, .epilogue = MatVecEpilogue::kAccumulate,
                       .out = x},
      .gate_up = FusedMatVec{.x = x, .weight = l.w_gate_up, .norm_weight = l.ffn_norm, .eps = h_.eps,
                             .epilogue = MatVecEpilogue::kSwiGLU, .out = gate},
      .down = FusedMatVec{.x = gate, .weight = l.w_down, .epilogue = MatVecEpilogue::kAccumulate,
                          .out = x},
  };
}

ops::FusedMatVec LlamaFamily::fused_head(LlamaKvCache& cache) const {
  ForwardScratch& s = cache.scratch();
  return ops::FusedMatVec{.x = rows(s.x, 1), .weight = w_.lm_head, .norm_weight = w_.final_norm,
                          .eps = h_.eps, .out = s.logits};
}

// The fused step computes what the separate ops do; it needs the stacked weights (device
// backends), no per-head q/k norm (it would sit between the GEMV and the rotation), no o bias,
// and a backend that runs every fused GEMV of the step.
bool LlamaFamily::fused_decode_supported(LlamaKvCache& cache) const {
  if (h_.qk_norm || h_.o_bias) return false;
  for (const LayerWeights& l : w_.layers) {
    if (!l.wqkv.defined() || !l.w_gate_up.defined() || (h_.qkv_bias && !l.bqkv.defined())) return false;
  }
  for (size_t i = 0; i < w_.layers.size(); ++i) {
    const FusedLayer f = fused_layer(i, cache);
    for (const ops::FusedMatVec* m : {&f.qkv, &f.o, &f.gate_up, &f.down}) {
      if (!ops::fused_matvec_supported(*be_, *m)) return false;
    }
  }
  return ops::fused_matvec_supported(*be_, fused_head(cache));
}

}  // namespace loka

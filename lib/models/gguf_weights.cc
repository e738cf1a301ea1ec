// llama.cpp tensor names (token_embd, blk.N.attn_q, ...) -> LlamaWeights.
#include "models/gguf_weights.h"

#include "core/error.h"
#include "models/rope_freqs.h"
#include "ops/convert.h"

namespace loka {
namespace {

class Binder {
 public:
  explicit Binder(const GgufFile& f) : f_(f) {}

  bool has(const std::string& name) const { return f_.find_tensor(name) != nullptr; }
  Tensor matrix(const std::string& name, const Shape& shape) const {
    Tensor t = find(name);
    check_weight(t, name, f_.path(), shape);
    return t;
  }
  Tensor small(const std::string& name, const Shape& shape) const {
    return small_f32(find(name), name, f_.path(), shape);
  }

 private:
  Tensor find(const std::string& name) const {
    const GgufTensorInfo* info = f_.find_tensor(name);
    LOKA_CHECK(info, ErrorCode::kNotFound, f_.path() + ": tensor '" + name + "' is missing");
    const GgmlTypeInfo* type = ggml_type_info(info->type);
    LOKA_CHECK(type && type->block_elems == 1, ErrorCode::kUnsupported,
               f_.path() + ": tensor '" + name + "' has ggml type " +
                   std::string(ggml_type_name(info->type)) +
                   "; quantized weights are not supported yet (f32, f16, bf16 are)");
    return f_.tensor(*info);
  }
  const GgufFile& f_;
};

}  // namespace

LlamaWeights bind_gguf_weights(const GgufFile& f, ModelHparams& h,
                               const std::function<void(double)>& progress) {
  const Binder b(f);
  const GgufTensorInfo& embd = f.tensor_info("token_embd.weight");
  LOKA_CHECK(embd.shape.size() == 2, ErrorCode::kFormat,
             f.path() + ": tensor 'token_embd.weight' is not 2-D");
  h.vocab = embd.shape[0];
  h.qkv_bias = b.has("blk.0.attn_q.bias");
  h.o_bias = b.has("blk.0.attn_output.bias");
  h.tied = !b.has("output.weight");
  if (b.has("rope_freqs.weight")) {
    const Tensor rf =
        b.small("rope_freqs.weight", {(h.rope.rotary_dim ? h.rope.rotary_dim : h.head_dim) / 2});
    h.rope = rope_from_freq_factors(h.rope, h.head_dim,
                                    {rf.data_as<const float>(), static_cast<size_t>(rf.numel())},
                                    f.path() + ": tensor 'rope_freqs.weight'");
  }

  const int64_t d = h.hidden, q = h.heads * h.head_dim, kv = h.kv_heads * h.head_dim;
  LlamaWeights w;
  w.embed = b.matrix("token_embd.weight", {h.vocab, d});
  w.final_norm = b.small("output_norm.weight", {d});
  w.lm_head = h.tied ? w.embed : b.matrix("output.weight", {h.vocab, d});
  for (int64_t i = 0; i < h.layers; ++i) {
    const std::string p = "blk." + std::to_string(i) + ".";
    LayerWeights l;
    l.attn_norm = b.small(p + "attn_norm.weight", {d});
    l.wq = b.matrix(p + "attn_q.weight", {q, d});
    l.wk = b.matrix(p + "attn_k.weight", {kv, d});
    l.wv = b.matrix(p + "attn_v.weight", {kv, d});
    l.wo = b.matrix(p + "attn_output.weight", {d, q});
    if (h.qkv_bias) {
      l.bq = b.small(p + "attn_q.bias", {q});
      l.bk = b.small(p + "attn_k.bias", {kv});
      l.bv = b.small(p + "attn_v.bias", {kv});
    }
    if (h.o_bias) l.bo = b.small(p + "attn_output.bias", {d});
    if (h.qk_norm) {
      l.q_norm = b.small(p + "attn_q_norm.weight", {h.head_dim});
      l.k_norm = b.small(p + "attn_k_norm.weight", {h.head_dim});
    }
    l.ffn_norm = b.small(p + "ffn_norm.weight", {d});
    l.w_gate = b.matrix(p + "ffn_gate.weight", {h.ffn, d});
    l.w_up = b.matrix(p + "ffn_up.weight", {h.ffn, d});
    l.w_down = b.matrix(p + "ffn_down.weight", {d, h.ffn});
    w.layers.push_back(std::move(l));
    if (progress) progress(static_cast<double>(i + 1) / static_cast<double>(h.layers));
  }
  return w;
}

}  // namespace loka

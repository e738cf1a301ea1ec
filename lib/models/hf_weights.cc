// Hugging Face tensor names (model.layers.N.self_attn.q_proj.weight, ...) -> LlamaWeights.
#include "models/hf_weights.h"

#include "core/error.h"

namespace loka {
namespace {

class Binder {
 public:
  explicit Binder(const SafetensorsModel& st) : st_(st) {}

  Tensor matrix(const std::string& name, const Shape& shape) const {
    Tensor t = find(name);
    check_weight(t, name, st_.shard_of(name).path(), shape);
    return t;
  }
  Tensor small(const std::string& name, const Shape& shape) const {
    return small_f32(find(name), name, st_.shard_of(name).path(), shape);
  }

 private:
  Tensor find(const std::string& name) const {
    LOKA_CHECK(st_.contains(name), ErrorCode::kNotFound,
               st_.path() + ": tensor '" + name + "' is missing");
    return st_.tensor(name);
  }
  const SafetensorsModel& st_;
};

}  // namespace

LlamaWeights bind_hf_weights(const SafetensorsModel& st, const ModelHparams& h,
                             const std::function<void(double)>& progress) {
  const Binder b(st);
  const int64_t d = h.hidden, q = h.heads * h.head_dim, kv = h.kv_heads * h.head_dim;
  LlamaWeights w;
  w.embed = b.matrix("model.embed_tokens.weight", {h.vocab, d});
  w.final_norm = b.small("model.norm.weight", {d});
  w.lm_head = h.tied ? w.embed : b.matrix("lm_head.weight", {h.vocab, d});
  for (int64_t i = 0; i < h.layers; ++i) {
    const std::string p = "model.layers." + std::to_string(i) + ".";
    LayerWeights l;
    l.attn_norm = b.small(p + "input_layernorm.weight", {d});
    l.wq = b.matrix(p + "self_attn.q_proj.weight", {q, d});
    l.wk = b.matrix(p + "self_attn.k_proj.weight", {kv, d});
    l.wv = b.matrix(p + "self_attn.v_proj.weight", {kv, d});
    l.wo = b.matrix(p + "self_attn.o_proj.weight", {d, q});
    if (h.qkv_bias) {
      l.bq = b.small(p + "self_attn.q_proj.bias", {q});
      l.bk = b.small(p + "self_attn.k_proj.bias", {kv});
      l.bv = b.small(p + "self_attn.v_proj.bias", {kv});
    }
    if (h.o_bias) l.bo = b.small(p + "self_attn.o_proj.bias", {d});
    if (h.qk_norm) {
      l.q_norm = b.small(p + "self_attn.q_norm.weight", {h.head_dim});
      l.k_norm = b.small(p + "self_attn.k_norm.weight", {h.head_dim});
    }
    l.ffn_norm = b.small(p + "post_attention_layernorm.weight", {d});
    l.w_gate = b.matrix(p + "mlp.gate_proj.weight", {h.ffn, d});
    l.w_up = b.matrix(p + "mlp.up_proj.weight", {h.ffn, d});
    l.w_down = b.matrix(p + "mlp.down_proj.weight", {d, h.ffn});
    w.layers.push_back(std::move(l));
    if (progress) progress(static_cast<double>(i + 1) / static_cast<double>(h.layers));
  }
  return w;
}

}  // namespace loka

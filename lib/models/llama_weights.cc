// Binding Llama-family weights by name (shared by the HF and GGUF loaders), their checks,
// and weight statistics for ModelInfo.
#include "models/llama_weights.h"

#include <map>

#include "backend/registry.h"
#include "core/error.h"
#include "ops/convert.h"

namespace loka {

const LlamaTensorNames kHfTensorNames = {
    "model.embed_tokens.weight", "model.norm.weight", "lm_head.weight", "model.layers.",
    "input_layernorm.weight", "self_attn.q_proj.weight", "self_attn.k_proj.weight",
    "self_attn.v_proj.weight", "self_attn.o_proj.weight", "self_attn.q_proj.bias",
    "self_attn.k_proj.bias", "self_attn.v_proj.bias", "self_attn.o_proj.bias",
    "self_attn.q_norm.weight", "self_attn.k_norm.weight", "post_attention_layernorm.weight",
    "mlp.gate_proj.weight", "mlp.up_proj.weight", "mlp.down_proj.weight"};

const LlamaTensorNames kGgufTensorNames = {
    "token_embd.weight", "output_norm.weight", "output.weight", "blk.",
    "attn_norm.weight", "attn_q.weight", "attn_k.weight", "attn_v.weight", "attn_output.weight",
    "attn_q.bias", "attn_k.bias", "attn_v.bias", "attn_output.bias", "attn_q_norm.weight",
    "attn_k_norm.weight", "ffn_norm.weight", "ffn_gate.weight", "ffn_up.weight", "ffn_down.weight"};

LlamaWeights bind_llama_weights(const WeightLookup& b, const ModelHparams& h,
                                const LlamaTensorNames& n,
                                const std::function<void(double)>& progress) {
  const int64_t d = h.hidden, q = h.heads * h.head_dim, kv = h.kv_heads * h.head_dim;
  LlamaWeights w;
  w.embed = b.matrix(n.embed, {h.vocab, d});
  w.final_norm = b.small(n.final_norm, {d});
  w.lm_head = h.tied ? w.embed : b.matrix(n.lm_head, {h.vocab, d});
  for (int64_t i = 0; i < h.layers; ++i) {
    const std::string p = n.layer_prefix + std::to_string(i) + ".";
    LayerWeights l;
    l.attn_norm = b.small(p + n.attn_norm, {d});
    l.wq = b.matrix(p + n.wq, {q, d});
    l.wk = b.matrix(p + n.wk, {kv, d});
    l.wv = b.matrix(p + n.wv, {kv, d});
    l.wo = b.matrix(p + n.wo, {d, q});
    if (h.qkv_bias) {
      l.bq = b.small(p + n.bq, {q});
      l.bk = b.small(p + n.bk, {kv});
      l.bv = b.small(p + n.bv, {kv});
    }
    if (h.o_bias) l.bo = b.small(p + n.bo, {d});
    if (h.qk_norm) {
      l.q_norm = b.small(p + n.q_norm, {h.head_dim});
      l.k_norm = b.small(p + n.k_norm, {h.head_dim});
    }
    l.ffn_norm = b.small(p + n.ffn_norm, {d});
    l.w_gate = b.matrix(p + n.w_gate, {h.ffn, d});
    l.w_up = b.matrix(p + n.w_up, {h.ffn, d});
    l.w_down = b.matrix(p + n.w_down, {d, h.ffn});
    w.layers.push_back(std::move(l));
    if (progress) progress(static_cast<double>(i + 1) / static_cast<double>(h.layers));
  }
  return w;
}

void check_weight(const Tensor& t, const std::string& name, const std::string& file,
                  const Shape& shape) {
  const DType d = t.dtype();
  LOKA_CHECK(d == DType::kF32 || d == DType::kF16 || d == DType::kBF16, ErrorCode::kUnsupported,
             file + ": tensor '" + name + "' has dtype " + std::string(dtype_name(d)) +
                 ", which is not supported (f32, f16 and bf16 are)");
  LOKA_CHECK(
      t.shape() == shape, ErrorCode::kFormat,
      file + ": tensor '" + name + "' has shape " + t.shape().str() + ", expected " + shape.str());
}

Tensor small_f32(const Tensor& t, const std::string& name, const std::string& file,
                 const Shape& shape) {
  check_weight(t, name, file, shape);
  Tensor out = Tensor::empty(DType::kF32, shape);
  static const std::shared_ptr<Backend> cpu = create_backend(Device{}, {.threads = 1});
  ops::convert(*cpu, t.is_contiguous() ? t : t.contiguous(), DType::kF32, &out);
  return out;
}

namespace {

template <typename F>
void for_each_weight(const LlamaWeights& w, F&& f) {
  f(w.embed);
  f(w.final_norm);
  f(w.lm_head);
  for (const LayerWeights& l : w.layers) {
    for (const Tensor* t : {&l.attn_norm, &l.wq, &l.wk, &l.wv, &l.wo, &l.bq, &l.bk, &l.bv, &l.bo,
                            &l.q_norm, &l.k_norm, &l.ffn_norm, &l.w_gate, &l.w_up, &l.w_down}) {
      f(*t);
    }
  }
}

}  // namespace

int64_t count_parameters(const LlamaWeights& w, bool tied) {
  int64_t n = 0;
  for_each_weight(w, [&](const Tensor& t) {
    if (t.defined()) n += t.numel();
  });
  return tied ? n - w.lm_head.numel() : n;
}

std::string main_weight_dtype(const LlamaWeights& w) {
  std::map<DType, uint64_t> bytes;
  for_each_weight(w, [&](const Tensor& t) {
    if (t.defined()) bytes[t.dtype()] += t.nbytes();
  });
  DType best = DType::kF32;
  uint64_t most = 0;
  for (const auto& [d, b] : bytes) {
    if (b > most) best = d, most = b;
  }
  return std::string(dtype_name(best));
}

}  // namespace loka

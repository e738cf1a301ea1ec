// Checks shared by the HF and GGUF weight binders, and weight statistics for ModelInfo.
#include "models/llama_weights.h"

#include <map>

#include "backend/registry.h"
#include "core/error.h"
#include "ops/convert.h"

namespace loka {

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

// llama.cpp tensor names (token_embd, blk.N.attn_q, ...) -> LlamaWeights.
#include "models/gguf_weights.h"

#include "core/error.h"
#include "models/rope_freqs.h"
#include "ops/convert.h"

namespace loka {
namespace {

class Binder : public WeightLookup {
 public:
  explicit Binder(const GgufFile& f) : f_(f) {}

  bool has(const std::string& name) const { return f_.find_tensor(name) != nullptr; }
  Tensor matrix(const std::string& name, const Shape& shape) const override {
    Tensor t = find(name);
    check_weight(t, name, f_.path(), shape);
    return t;
  }
  Tensor small(const std::string& name, const Shape& shape) const override {
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

  return bind_llama_weights(b, h, kGgufTensorNames, progress);
}

}  // namespace loka

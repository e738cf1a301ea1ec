// The weights of a Llama-family model, bound by name from a file, and their checks.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "models/hparams.h"

namespace loka {

/// Matrices are [out, in] (the Hugging Face / GGUF layout) in the file's dtype, borrowed
/// from the mapping; norms and biases are small f32 copies. Optional ones are undefined.
struct LayerWeights {
  Tensor attn_norm, wq, wk, wv, wo, bq, bk, bv, bo, q_norm, k_norm;
  Tensor ffn_norm, w_gate, w_up, w_down;
  // Set where the weights are copied anyway (device backends): [wq; wk; wv] and
  // [w_gate; w_up] in one matrix each, wq ... w_up being row ranges of them, so a decode
  // step runs one GEMV per group; [bq; bk; bv] likewise where the model has them.
  Tensor wqkv, w_gate_up, bqkv;
};

struct LlamaWeights {
  Tensor embed, final_norm, lm_head;  // lm_head aliases embed when tied
  std::vector<LayerWeights> layers;
};

/// Tensor names of one checkpoint layout. A layer's names follow
/// `layer_prefix` + N + "." (e.g. "model.layers.3." or "blk.3.").
struct LlamaTensorNames {
  const char *embed, *final_norm, *lm_head, *layer_prefix;
  const char *attn_norm, *wq, *wk, *wv, *wo, *bq, *bk, *bv, *bo, *q_norm, *k_norm;
  const char *ffn_norm, *w_gate, *w_up, *w_down;
};
extern const LlamaTensorNames kHfTensorNames;    // transformers' names
extern const LlamaTensorNames kGgufTensorNames;  // llama.cpp's names

/// Finds tensors by name in one file format, checked with check_weight / small_f32.
class WeightLookup {
 public:
  virtual ~WeightLookup() = default;
  virtual Tensor matrix(const std::string& name, const Shape& shape) const = 0;
  virtual Tensor small(const std::string& name, const Shape& shape) const = 0;
};

/// Binds every tensor `h` calls for, named by `names`; `progress` (may be empty) gets the
/// fraction of layers bound.
LlamaWeights bind_llama_weights(const WeightLookup& lookup, const ModelHparams& h,
                                const LlamaTensorNames& names,
                                const std::function<void(double)>& progress);

/// Checks one tensor found under `name` in `file`: a float dtype the CPU matmul uses in
/// place (f32, f16, bf16; anything else is kUnsupported) and exactly `shape` (kFormat).
void check_weight(const Tensor& t, const std::string& name, const std::string& file,
                  const Shape& shape);

/// A norm weight or bias as an owned f32 copy, after check_weight.
Tensor small_f32(const Tensor& t, const std::string& name, const std::string& file,
                 const Shape& shape);

/// Parameter count (the tied head counted once) and the dtype holding most weight bytes.
int64_t count_parameters(const LlamaWeights& w, bool tied);
std::string main_weight_dtype(const LlamaWeights& w);

}  // namespace loka

// The weights of a Llama-family model, bound by name from a file, and their checks.
#pragma once

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
};

struct LlamaWeights {
  Tensor embed, final_norm, lm_head;  // lm_head aliases embed when tied
  std::vector<LayerWeights> layers;
};

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

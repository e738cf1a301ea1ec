// Hyper-parameters of a Llama-family model (Llama, Mistral, Qwen2, Qwen3), from an HF config or
// GGUF metadata.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "formats/hf_config.h"
#include "ops/op.h"

namespace loka {

class GgufFile;

struct ModelHparams {
  std::string architecture;  // HF class name, or the GGUF general.architecture
  int64_t vocab = 0, hidden = 0, layers = 0, heads = 0, kv_heads = 0, head_dim = 0;
  int64_t ffn = 0, context = 0;
  float eps = 1e-6f;
  RopeParams rope;
  // What differs between the family members, fixed at load.
  bool qkv_bias = false;  // Qwen2 (and attention_bias)
  bool o_bias = false;    // Llama/Qwen3 with attention_bias
  bool qk_norm = false;   // Qwen3: RMSNorm over each head of q and k
  bool tied = false;      // lm_head is the embedding table
  std::vector<int32_t> eos_ids;
};

/// From config.json (+ generation_config.json eos ids in `generation_eos`). Unknown
/// architectures and features the forward pass lacks throw Error(kUnsupported).
ModelHparams hparams_from_hf(const HfConfig& c, const std::vector<int64_t>& generation_eos,
                             const std::string& source);

/// From GGUF metadata as llama.cpp writes it (llama, qwen2, qwen3). Flags that depend on
/// which tensors exist (biases, tied output) are set by the weight binder.
ModelHparams hparams_from_gguf(const GgufFile& f);

}  // namespace loka

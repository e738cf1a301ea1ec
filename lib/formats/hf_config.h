// Hugging Face config.json of a decoder LLM: the fields loka needs, typed and checked.
//
// A field written as JSON null counts as absent. Required: hidden_size,
// intermediate_size, num_hidden_layers, num_attention_heads, vocab_size,
// max_position_embeddings. Wrong types, non-positive sizes, heads not divisible
// by key/value heads, and incomplete rope_scaling objects throw Error(kFormat)
// naming the source and the field. Anything else is in `raw`.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/dtype.h"
#include "ops/op.h"

namespace loka {

/// "rope_scaling" (or the newer "rope_parameters") when it asks for scaling.
struct RopeScalingConfig {
  std::string type;  // "rope_type", or the legacy "type": linear, llama3, yarn, dynamic, ...
  double factor = 1.0;
  double low_freq_factor = 1.0;                             // llama3
  double high_freq_factor = 4.0;                            // llama3
  std::optional<int64_t> original_max_position_embeddings;  // llama3 (required), yarn
  double beta_fast = 32.0;                                  // yarn
  double beta_slow = 1.0;                                   // yarn
  std::optional<double> mscale;                             // yarn (DeepSeek)
  std::optional<double> mscale_all_dim;                     // yarn (DeepSeek)
  std::optional<double> attention_factor;                   // yarn
  bool truncate = true;                                     // yarn
};

struct HfConfig {
  std::vector<std::string> architectures;
  std::string model_type;
  int64_t hidden_size = 0;
  int64_t intermediate_size = 0;
  int64_t num_hidden_layers = 0;
  int64_t num_attention_heads = 0;
  int64_t num_key_value_heads = 0;  // absent: num_attention_heads
  int64_t head_dim = 0;             // absent: hidden_size / num_attention_heads
  int64_t vocab_size = 0;
  int64_t max_position_embeddings = 0;
  double rms_norm_eps = 1e-6;   // transformers' LlamaConfig default
  double rope_theta = 10000.0;  // transformers' default
  double partial_rotary_factor = 1.0;
  /// Absent, or rope_type "default": no scaling.
  std::optional<RopeScalingConfig> rope_scaling;
  bool tie_word_embeddings = false;  // the default of every decoder config class we load
  std::optional<int64_t> bos_token_id;
  std::vector<int64_t> eos_token_ids;  // "eos_token_id": an int or a list
  std::string torch_dtype;             // "torch_dtype", else the newer "dtype"; "" when absent
  bool attention_bias = false;         // the field only: Qwen2 has q/k/v biases without it
  /// Null when absent/null, or when "use_sliding_window" is false (Qwen2/Qwen3
  /// write a window they do not use).
  std::optional<int64_t> sliding_window;
  nlohmann::json raw;  // the whole file

  /// `source` names the file in messages.
  static HfConfig parse(std::string_view json_text, const std::string& source = "config.json");
  static HfConfig from_json(const nlohmann::json& j, const std::string& source = "config.json");
  /// `path` is a config.json or a folder holding one.
  static HfConfig load(const std::string& path);

  /// torch_dtype as a loka DType (float32, float16, bfloat16), else nullopt.
  std::optional<DType> dtype() const;
};

/// RoPE parameters for the attention of `c`: theta, rope_scaling (none, linear,
/// llama3, yarn; other types throw kUnsupported), rotary_dim (qk_rope_head_dim
/// for DeepSeek, head_dim × partial_rotary_factor when < 1, else 0 = whole
/// head), and layout (interleaved for deepseek_v2/v3 unless "rope_interleave"
/// is false, NeoX otherwise). YaRN: the config's factor is used as written;
/// attention_factor is explicit, else mscale/mscale_all_dim as DeepSeek and
/// transformers compute it, else 0.1·ln(factor) + 1.
RopeParams rope_params_from_config(const HfConfig& c);

/// "eos_token_id" (an int or a list) of `folder`/generation_config.json; empty when the
/// file or the field is absent. Malformed JSON or ids throw Error(kFormat).
std::vector<int64_t> load_generation_eos_ids(const std::string& folder);
/// The same from the text of a generation_config.json; `source` names it in messages.
std::vector<int64_t> parse_generation_eos_ids(std::string_view text, const std::string& source);

}  // namespace loka

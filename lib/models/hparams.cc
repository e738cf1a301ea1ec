// ModelHparams from Hugging Face config.json or llama.cpp GGUF metadata.
#include "models/hparams.h"

#include <algorithm>
#include <limits>

#include "core/error.h"
#include "formats/gguf_file.h"
#include "ops/rope.h"

namespace loka {
namespace {

void add_eos(std::vector<int32_t>& out, int64_t id, const std::string& source) {
  LOKA_CHECK(id >= 0 && id <= std::numeric_limits<int32_t>::max(), ErrorCode::kFormat,
             source + ": eos_token_id " + std::to_string(id) + " is out of range");
  if (std::find(out.begin(), out.end(), static_cast<int32_t>(id)) == out.end())
    out.push_back(static_cast<int32_t>(id));
}

}  // namespace

ModelHparams hparams_from_hf(const HfConfig& c, const std::vector<int64_t>& generation_eos,
                             const std::string& source) {
  LOKA_CHECK(!c.architectures.empty(), ErrorCode::kUnsupported,
             source + ": 'architectures' is missing; cannot tell which model this is");
  ModelHparams h;
  h.architecture = c.architectures[0];
  const std::string& a = h.architecture;
  const bool llama = a == "LlamaForCausalLM", mistral = a == "MistralForCausalLM";
  const bool qwen2 = a == "Qwen2ForCausalLM", qwen3 = a == "Qwen3ForCausalLM";
  LOKA_CHECK(llama || mistral || qwen2 || qwen3, ErrorCode::kUnsupported,
             source + ": architecture '" + a +
                 "' is not supported (LlamaForCausalLM, MistralForCausalLM, Qwen2ForCausalLM, "
                 "Qwen3ForCausalLM are)");
  const auto act = c.raw.find("hidden_act");
  if (act != c.raw.end() && act->is_string()) {
    LOKA_CHECK(
        *act == "silu" || *act == "swish", ErrorCode::kUnsupported,
        source + ": hidden_act '" + act->get<std::string>() + "' is not supported (silu is)");
  }
  const auto mlp_bias = c.raw.find("mlp_bias");
  LOKA_CHECK(mlp_bias == c.raw.end() || !mlp_bias->is_boolean() || !mlp_bias->get<bool>(),
             ErrorCode::kUnsupported, source + ": 'mlp_bias' true is not supported");
  h.vocab = c.vocab_size;
  h.hidden = c.hidden_size;
  h.layers = c.num_hidden_layers;
  h.heads = c.num_attention_heads;
  h.kv_heads = c.num_key_value_heads;
  h.head_dim = c.head_dim;
  h.ffn = c.intermediate_size;
  h.context = c.max_position_embeddings;
  // Without a sliding-window mask, stay where a full causal mask gives the same result.
  if (c.sliding_window) h.context = std::min(h.context, *c.sliding_window);
  h.eps = static_cast<float>(c.rms_norm_eps);
  h.rope = rope_params_from_config(c);
  h.qkv_bias = qwen2 || (!mistral && c.attention_bias);
  h.o_bias = (llama || qwen3) && c.attention_bias;
  h.qk_norm = qwen3;
  h.tied = c.tie_word_embeddings;
  for (int64_t id : generation_eos) add_eos(h.eos_ids, id, source);
  for (int64_t id : c.eos_token_ids) add_eos(h.eos_ids, id, source);
  return h;
}

ModelHparams hparams_from_gguf(const GgufFile& f) {
  ModelHparams h;
  h.architecture = std::string(f.get_string("general.architecture"));
  const std::string& a = h.architecture;
  LOKA_CHECK(
      a == "llama" || a == "qwen2" || a == "qwen3", ErrorCode::kUnsupported,
      f.path() + ": general.architecture '" + a + "' is not supported (llama, qwen2, qwen3 are)");
  auto positive = [&](const std::string& key) {
    const int64_t v = f.get_int(a + "." + key);
    LOKA_CHECK(v > 0 && v <= (int64_t{1} << 40), ErrorCode::kFormat,
               f.path() + ": " + a + "." + key + " is " + std::to_string(v) +
                   ", expected a positive size");
    return v;
  };
  h.layers = positive("block_count");
  h.context = positive("context_length");
  h.hidden = positive("embedding_length");
  h.ffn = positive("feed_forward_length");
  h.heads = positive("attention.head_count");
  h.kv_heads =
      f.has(a + ".attention.head_count_kv") ? positive("attention.head_count_kv") : h.heads;
  LOKA_CHECK(h.heads % h.kv_heads == 0, ErrorCode::kFormat,
             f.path() + ": " + a + ".attention.head_count_kv does not divide head_count");
  if (f.has(a + ".attention.key_length")) {
    h.head_dim = positive("attention.key_length");
  } else {
    LOKA_CHECK(h.hidden % h.heads == 0, ErrorCode::kFormat,
               f.path() + ": " + a +
                   ".attention.key_length is missing and embedding_length is "
                   "not a multiple of head_count");
    h.head_dim = h.hidden / h.heads;
  }
  if (f.has(a + ".attention.value_length")) {
    LOKA_CHECK(f.get_int(a + ".attention.value_length") == h.head_dim, ErrorCode::kUnsupported,
               f.path() + ": " + a + ".attention.value_length differs from key_length");
  }
  h.eps = static_cast<float>(f.get_float(a + ".attention.layer_norm_rms_epsilon"));
  LOKA_CHECK(h.eps > 0.0f, ErrorCode::kFormat,
             f.path() + ": " + a + ".attention.layer_norm_rms_epsilon must be positive");
  h.rope.theta = f.get_float(a + ".rope.freq_base", 10000.0);
  LOKA_CHECK(h.rope.theta > 0.0, ErrorCode::kFormat,
             f.path() + ": " + a + ".rope.freq_base must be positive");
  if (f.has(a + ".rope.dimension_count")) {
    const int64_t rd = positive("rope.dimension_count");
    LOKA_CHECK(rd <= h.head_dim && rd % 2 == 0, ErrorCode::kFormat,
               f.path() + ": " + a + ".rope.dimension_count " + std::to_string(rd) +
                   " does not fit head dim " + std::to_string(h.head_dim));
    h.rope.rotary_dim = rd == h.head_dim ? 0 : rd;
  }
  // convert_hf_to_gguf.py permutes llama's q/k rows from the half-split rotary layout
  // to interleaved pairs; rotating pairs undoes it exactly. Qwen is stored unpermuted.
  h.rope.layout = a == "llama" ? RopeLayout::kInterleaved : RopeLayout::kNeox;
  const std::string type(f.get_string(a + ".rope.scaling.type", "none"));
  if (type == "linear" || type == "yarn") {
    h.rope.factor = f.get_float(a + ".rope.scaling.factor");
    LOKA_CHECK(h.rope.factor > 0.0, ErrorCode::kFormat,
               f.path() + ": " + a + ".rope.scaling.factor must be positive");
    if (type == "linear") {
      h.rope.scaling = RopeScaling::kLinear;
    } else {
      h.rope.scaling = RopeScaling::kYarn;
      h.rope.original_max_position = f.get_int(a + ".rope.scaling.original_context_length");
      // llama.cpp multiplies its attn_factor into YaRN's 0.1 ln(factor) + 1.
      if (f.has(a + ".rope.scaling.attn_factor")) {
        h.rope.attention_factor =
            f.get_float(a + ".rope.scaling.attn_factor") * ops::rope_attention_scale(h.rope);
      }
    }
  } else {
    LOKA_CHECK(type == "none", ErrorCode::kUnsupported,
               f.path() + ": " + a + ".rope.scaling.type '" + type + "' is not supported");
  }
  h.qk_norm = a == "qwen3";
  if (f.has("tokenizer.ggml.eos_token_id")) {
    add_eos(h.eos_ids, f.get_int("tokenizer.ggml.eos_token_id"), f.path());
  }
  return h;
}

}  // namespace loka

// HfConfig on config.json texts of public models (values are those files' literals).
#include <catch2/catch.hpp>

#include <cmath>

#include "core/error.h"
#include "formats/hf_config.h"
#include "formats/test_safetensors_util.h"

using namespace loka;

namespace {

// meta-llama/Llama-3.1-8B
const char* kLlama31 = R"({
  "architectures": ["LlamaForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
  "bos_token_id": 128000, "eos_token_id": 128001, "hidden_act": "silu", "hidden_size": 4096,
  "initializer_range": 0.02, "intermediate_size": 14336, "max_position_embeddings": 131072,
  "mlp_bias": false, "model_type": "llama", "num_attention_heads": 32, "num_hidden_layers": 32,
  "num_key_value_heads": 8, "pretraining_tp": 1, "rms_norm_eps": 1e-05,
  "rope_scaling": {"factor": 8.0, "low_freq_factor": 1.0, "high_freq_factor": 4.0,
                   "original_max_position_embeddings": 8192, "rope_type": "llama3"},
  "rope_theta": 500000.0, "tie_word_embeddings": false, "torch_dtype": "bfloat16",
  "transformers_version": "4.43.0.dev0", "use_cache": true, "vocab_size": 128256})";

// Qwen/Qwen2.5-7B
const char* kQwen25 = R"({
  "architectures": ["Qwen2ForCausalLM"], "attention_dropout": 0.0, "bos_token_id": 151643,
  "eos_token_id": 151643, "hidden_act": "silu", "hidden_size": 3584, "initializer_range": 0.02,
  "intermediate_size": 18944, "max_position_embeddings": 131072, "max_window_layers": 28,
  "model_type": "qwen2", "num_attention_heads": 28, "num_hidden_layers": 28,
  "num_key_value_heads": 4, "rms_norm_eps": 1e-06, "rope_theta": 1000000.0,
  "sliding_window": 131072, "tie_word_embeddings": false, "torch_dtype": "bfloat16",
  "transformers_version": "4.40.1", "use_cache": true, "use_mrope": false,
  "use_sliding_window": false, "vocab_size": 152064})";

// Qwen/Qwen3-0.6B
const char* kQwen3 = R"({
  "architectures": ["Qwen3ForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
  "bos_token_id": 151643, "eos_token_id": 151645, "head_dim": 128, "hidden_act": "silu",
  "hidden_size": 1024, "initializer_range": 0.02, "intermediate_size": 3072,
  "max_position_embeddings": 40960, "max_window_layers": 28, "model_type": "qwen3",
  "num_attention_heads": 16, "num_hidden_layers": 28, "num_key_value_heads": 8,
  "rms_norm_eps": 1e-06, "rope_scaling": null, "rope_theta": 1000000, "sliding_window": null,
  "tie_word_embeddings": true, "torch_dtype": "bfloat16", "transformers_version": "4.51.0",
  "use_cache": true, "use_sliding_window": false, "vocab_size": 151936})";

// mistralai/Mistral-7B-v0.1
const char* kMistral = R"({
  "architectures": ["MistralForCausalLM"], "bos_token_id": 1, "eos_token_id": 2,
  "hidden_act": "silu", "hidden_size": 4096, "initializer_range": 0.02,
  "intermediate_size": 14336, "max_position_embeddings": 32768, "model_type": "mistral",
  "num_attention_heads": 32, "num_hidden_layers": 32, "num_key_value_heads": 8,
  "rms_norm_eps": 1e-05, "rope_theta": 10000.0, "sliding_window": 4096,
  "tie_word_embeddings": false, "torch_dtype": "bfloat16", "transformers_version": "4.34.0.dev0",
  "use_cache": true, "vocab_size": 32000})";

// deepseek-ai/DeepSeek-V3 (auto_map and a few MoE routing fields left out)
const char* kDeepSeekV3 = R"({
  "architectures": ["DeepseekV3ForCausalLM"], "attention_bias": false, "attention_dropout": 0.0,
  "bos_token_id": 0, "eos_token_id": 1, "ep_size": 1, "first_k_dense_replace": 3,
  "hidden_act": "silu", "hidden_size": 7168, "initializer_range": 0.02,
  "intermediate_size": 18432, "kv_lora_rank": 512, "max_position_embeddings": 163840,
  "model_type": "deepseek_v3", "moe_intermediate_size": 2048, "moe_layer_freq": 1,
  "n_group": 8, "n_routed_experts": 256, "n_shared_experts": 1, "norm_topk_prob": true,
  "num_attention_heads": 128, "num_experts_per_tok": 8, "num_hidden_layers": 61,
  "num_key_value_heads": 128, "num_nextn_predict_layers": 1, "q_lora_rank": 1536,
  "qk_nope_head_dim": 128, "qk_rope_head_dim": 64,
  "quantization_config": {"activation_scheme": "dynamic", "fmt": "e4m3", "quant_method": "fp8",
                          "weight_block_size": [128, 128]},
  "rms_norm_eps": 1e-06,
  "rope_scaling": {"beta_fast": 32, "beta_slow": 1, "factor": 40, "mscale": 1.0,
                   "mscale_all_dim": 1.0, "original_max_position_embeddings": 4096,
                   "type": "yarn"},
  "rope_theta": 10000, "routed_scaling_factor": 2.5, "scoring_func": "sigmoid",
  "tie_word_embeddings": false, "topk_group": 4, "topk_method": "noaux_tc",
  "torch_dtype": "bfloat16", "transformers_version": "4.33.1", "use_cache": true,
  "v_head_dim": 128, "vocab_size": 129280})";

void expect_error(const std::string& text, const std::string& needle,
                  ErrorCode code = ErrorCode::kFormat) {
  try {
    (void)HfConfig::parse(text, "cfg.json");
    FAIL("no error, expected '" << needle << "'");
  } catch (const Error& e) {
    INFO("got: " << e.what());
    CHECK(e.code() == code);
    CHECK(std::string(e.what()).find("cfg.json") != std::string::npos);
    CHECK(std::string(e.what()).find(needle) != std::string::npos);
  }
}

// A minimal valid config with `extra` fields appended (later keys must not repeat earlier ones).
std::string minimal(const std::string& extra = "") {
  return R"({"hidden_size": 64, "intermediate_size": 128, "num_hidden_layers": 2,
             "num_attention_heads": 4, "vocab_size": 100, "max_position_embeddings": 256)" +
         (extra.empty() ? "" : ", " + extra) + "}";
}

}  // namespace

TEST_CASE("hf_config: Llama-3.1-8B", "[hf_config]") {
  const HfConfig c = HfConfig::parse(kLlama31);
  CHECK(c.architectures == std::vector<std::string>{"LlamaForCausalLM"});
  CHECK(c.model_type == "llama");
  CHECK(c.hidden_size == 4096);
  CHECK(c.intermediate_size == 14336);
  CHECK(c.num_hidden_layers == 32);
  CHECK(c.num_attention_heads == 32);
  CHECK(c.num_key_value_heads == 8);
  CHECK(c.head_dim == 128);
  CHECK(c.vocab_size == 128256);
  CHECK(c.max_position_embeddings == 131072);
  CHECK(c.rms_norm_eps == 1e-5);
  CHECK(c.rope_theta == 500000.0);
  CHECK_FALSE(c.tie_word_embeddings);
  CHECK(c.bos_token_id == 128000);
  CHECK(c.eos_token_ids == std::vector<int64_t>{128001});
  CHECK(c.dtype() == DType::kBF16);
  CHECK_FALSE(c.attention_bias);
  CHECK_FALSE(c.sliding_window.has_value());
  CHECK(c.raw["pretraining_tp"] == 1);
  REQUIRE(c.rope_scaling.has_value());
  CHECK(c.rope_scaling->type == "llama3");

  const RopeParams p = rope_params_from_config(c);
  CHECK(p.layout == RopeLayout::kNeox);
  CHECK(p.rotary_dim == 0);
  CHECK(p.theta == 500000.0);
  CHECK(p.scaling == RopeScaling::kLlama3);
  CHECK(p.factor == 8.0);
  CHECK(p.low_freq_factor == 1.0);
  CHECK(p.high_freq_factor == 4.0);
  CHECK(p.original_max_position == 8192);
}

TEST_CASE("hf_config: Llama-3.1-8B-Instruct lists three eos ids", "[hf_config]") {
  std::string text = kLlama31;
  const std::string from = R"("eos_token_id": 128001)";
  text.replace(text.find(from), from.size(), R"("eos_token_id": [128001, 128008, 128009])");
  CHECK(HfConfig::parse(text).eos_token_ids == std::vector<int64_t>{128001, 128008, 128009});
}

TEST_CASE("hf_config: Qwen2.5-7B", "[hf_config]") {
  const HfConfig c = HfConfig::parse(kQwen25);
  CHECK(c.model_type == "qwen2");
  CHECK(c.hidden_size == 3584);
  CHECK(c.intermediate_size == 18944);
  CHECK(c.num_hidden_layers == 28);
  CHECK(c.num_attention_heads == 28);
  CHECK(c.num_key_value_heads == 4);
  CHECK(c.head_dim == 128);
  CHECK(c.vocab_size == 152064);
  CHECK(c.max_position_embeddings == 131072);
  CHECK(c.rms_norm_eps == 1e-6);
  CHECK(c.rope_theta == 1000000.0);
  CHECK(c.bos_token_id == 151643);
  CHECK(c.eos_token_ids == std::vector<int64_t>{151643});
  // "sliding_window": 131072 with "use_sliding_window": false is not a window.
  CHECK_FALSE(c.sliding_window.has_value());
  CHECK_FALSE(c.rope_scaling.has_value());
  CHECK(rope_params_from_config(c).scaling == RopeScaling::kNone);
}

TEST_CASE("hf_config: Qwen3-0.6B has an explicit head_dim", "[hf_config]") {
  const HfConfig c = HfConfig::parse(kQwen3);
  CHECK(c.hidden_size == 1024);
  CHECK(c.num_attention_heads == 16);
  CHECK(c.num_key_value_heads == 8);
  CHECK(c.head_dim == 128);  // not 1024 / 16
  CHECK(c.intermediate_size == 3072);
  CHECK(c.num_hidden_layers == 28);
  CHECK(c.vocab_size == 151936);
  CHECK(c.max_position_embeddings == 40960);
  CHECK(c.rope_theta == 1000000.0);
  CHECK(c.tie_word_embeddings);
  CHECK(c.eos_token_ids == std::vector<int64_t>{151645});
  CHECK_FALSE(c.rope_scaling.has_value());
  CHECK_FALSE(c.sliding_window.has_value());
}

TEST_CASE("hf_config: Mistral-7B-v0.1 uses a 4096 sliding window", "[hf_config]") {
  const HfConfig c = HfConfig::parse(kMistral);
  CHECK(c.model_type == "mistral");
  CHECK(c.hidden_size == 4096);
  CHECK(c.num_key_value_heads == 8);
  CHECK(c.head_dim == 128);
  CHECK(c.vocab_size == 32000);
  CHECK(c.max_position_embeddings == 32768);
  CHECK(c.rope_theta == 10000.0);
  CHECK(c.rms_norm_eps == 1e-5);
  CHECK(c.sliding_window == 4096);
  CHECK(c.bos_token_id == 1);
  CHECK(c.eos_token_ids == std::vector<int64_t>{2});
}

TEST_CASE("hf_config: DeepSeek-V3 with YaRN", "[hf_config]") {
  const HfConfig c = HfConfig::parse(kDeepSeekV3);
  CHECK(c.model_type == "deepseek_v3");
  CHECK(c.hidden_size == 7168);
  CHECK(c.intermediate_size == 18432);
  CHECK(c.num_hidden_layers == 61);
  CHECK(c.num_attention_heads == 128);
  CHECK(c.num_key_value_heads == 128);
  CHECK(c.vocab_size == 129280);
  CHECK(c.max_position_embeddings == 163840);
  CHECK(c.bos_token_id == 0);
  CHECK(c.eos_token_ids == std::vector<int64_t>{1});
  CHECK(c.raw["kv_lora_rank"] == 512);
  CHECK(c.raw["quantization_config"]["weight_block_size"][1] == 128);
  REQUIRE(c.rope_scaling.has_value());
  CHECK(c.rope_scaling->type == "yarn");  // from the legacy "type" key
  CHECK(c.rope_scaling->mscale == 1.0);
  CHECK(c.rope_scaling->mscale_all_dim == 1.0);

  const RopeParams p = rope_params_from_config(c);
  CHECK(p.layout == RopeLayout::kInterleaved);
  CHECK(p.rotary_dim == 64);
  CHECK(p.theta == 10000.0);
  CHECK(p.scaling == RopeScaling::kYarn);
  CHECK(p.factor == 40.0);
  CHECK(p.original_max_position == 4096);
  CHECK(p.beta_fast == 32.0);
  CHECK(p.beta_slow == 1.0);
  // mscale == mscale_all_dim: yarn_get_mscale(40, 1) / yarn_get_mscale(40, 1) = 1.
  CHECK(p.attention_factor == 1.0);
}

TEST_CASE("hf_config: rope_scaling variants", "[hf_config]") {
  SECTION("Qwen-style yarn without mscale: attention factor 0.1 ln(s) + 1") {
    const HfConfig c = HfConfig::parse(minimal(
        R"("rope_scaling": {"type": "yarn", "factor": 4.0,
                            "original_max_position_embeddings": 32768})"));
    const RopeParams p = rope_params_from_config(c);
    CHECK(p.scaling == RopeScaling::kYarn);
    CHECK(p.original_max_position == 32768);
    CHECK(p.attention_factor == Approx(0.1 * std::log(4.0) + 1.0).epsilon(1e-15));
    CHECK(p.truncate);  // transformers' default
  }
  SECTION("explicit attention_factor, original length defaulting to max_position_embeddings") {
    const HfConfig c = HfConfig::parse(
        minimal(R"("rope_scaling": {"rope_type": "yarn", "factor": 2, "attention_factor": 0.75,
                                    "truncate": false})"));
    const RopeParams p = rope_params_from_config(c);
    CHECK(p.attention_factor == 0.75);
    CHECK_FALSE(p.truncate);
    CHECK(p.original_max_position == 256);
  }
  SECTION("linear") {
    const RopeParams p = rope_params_from_config(
        HfConfig::parse(minimal(R"("rope_scaling": {"type": "linear", "factor": 2.0})")));
    CHECK(p.scaling == RopeScaling::kLinear);
    CHECK(p.factor == 2.0);
  }
  SECTION("transformers 5 rope_parameters") {
    const HfConfig c = HfConfig::parse(minimal(
        R"("rope_parameters": {"rope_type": "linear", "factor": 3.0, "rope_theta": 123.0})"));
    CHECK(c.rope_theta == 123.0);
    CHECK(rope_params_from_config(c).factor == 3.0);
    const HfConfig d = HfConfig::parse(
        minimal(R"("rope_parameters": {"rope_type": "default", "rope_theta": 5e5})"));
    CHECK(d.rope_theta == 5e5);
    CHECK_FALSE(d.rope_scaling.has_value());
  }
  SECTION("dynamic NTK is parsed but has no RopeParams mapping") {
    const HfConfig c =
        HfConfig::parse(minimal(R"("rope_scaling": {"type": "dynamic", "factor": 2.0})"));
    REQUIRE_THROWS_MATCHES(rope_params_from_config(c), Error,
                           Catch::Predicate<Error>([](const Error& e) {
                             return e.code() == ErrorCode::kUnsupported &&
                                    std::string(e.what()).find("dynamic") != std::string::npos;
                           }));
  }
  SECTION("partial rotary factor") {
    const RopeParams p =
        rope_params_from_config(HfConfig::parse(minimal(R"("partial_rotary_factor": 0.5)")));
    CHECK(p.rotary_dim == 8);  // head_dim 16
  }
}

TEST_CASE("hf_config: defaults for absent optional fields", "[hf_config]") {
  const HfConfig c = HfConfig::parse(minimal(R"("num_key_value_heads": null)"));
  CHECK(c.num_key_value_heads == 4);
  CHECK(c.head_dim == 16);
  CHECK(c.rope_theta == 10000.0);
  CHECK(c.rms_norm_eps == 1e-6);
  CHECK_FALSE(c.tie_word_embeddings);
  CHECK(c.eos_token_ids.empty());
  CHECK_FALSE(c.bos_token_id.has_value());
  CHECK(c.torch_dtype.empty());
  CHECK(HfConfig::parse(minimal(R"("dtype": "float16")")).dtype() == DType::kF16);
}

TEST_CASE("hf_config: errors name the field", "[hf_config]") {
  expect_error(R"({"intermediate_size": 1})", "'hidden_size' is missing");
  expect_error(minimal(R"("hidden_act": "silu", "num_key_value_heads": 3)"),
               "'num_key_value_heads' (3) does not divide num_attention_heads (4)");
  expect_error(R"({"hidden_size": "64"})", "'hidden_size' is JSON string, expected an integer");
  expect_error(R"({"hidden_size": 64.0})", "'hidden_size' is JSON floating-point number");
  expect_error(R"({"hidden_size": -64})", "'hidden_size' is -64, expected a positive integer");
  expect_error(minimal(R"("rms_norm_eps": "1e-5")"), "'rms_norm_eps' is JSON string");
  expect_error(minimal(R"("tie_word_embeddings": 1)"), "'tie_word_embeddings' is JSON");
  expect_error(minimal(R"("eos_token_id": [1, "2"])"), "'eos_token_id' is JSON string");
  expect_error(minimal(R"("architectures": "LlamaForCausalLM")"),
               "'architectures' is not an array");
  expect_error(minimal(R"("rope_scaling": 8)"), "rope_scaling is JSON unsigned integer");
  expect_error(minimal(R"("rope_scaling": {"factor": 8.0})"),
               "rope_scaling: 'rope_type' is missing");
  expect_error(minimal(R"("rope_scaling": {"rope_type": "llama3", "factor": 8.0,
                          "high_freq_factor": 4.0, "original_max_position_embeddings": 8192})"),
               "rope_scaling: 'low_freq_factor' is missing");
  expect_error(minimal(R"("rope_scaling": {"rope_type": "linear"})"),
               "rope_scaling: 'factor' is missing");
  expect_error(minimal(R"("hidden_size": 65)"), "duplicate key 'hidden_size'");
  expect_error(R"({"hidden_size": 64,)", "invalid JSON");
  expect_error("[1]", "top level is JSON array");
  expect_error(R"({"hidden_size": 66, "intermediate_size": 1, "num_hidden_layers": 1,
                   "num_attention_heads": 4, "vocab_size": 1, "max_position_embeddings": 1})",
               "'head_dim' is missing and hidden_size is not a multiple");
}

TEST_CASE("hf_config: load from a file or its folder", "[hf_config]") {
  st_test::TempDir dir;
  st_test::write_bytes(dir.file("config.json"), kQwen3);
  CHECK(HfConfig::load(dir.path().string()).head_dim == 128);
  CHECK(HfConfig::load(dir.file("config.json")).vocab_size == 151936);
  REQUIRE_THROWS_MATCHES(
      HfConfig::load(dir.file("nope.json")), Error,
      Catch::Predicate<Error>([](const Error& e) { return e.code() == ErrorCode::kNotFound; }));
  st_test::write_bytes(dir.file("config.json"), "{\"model_type\": \"\xff\"}");
  REQUIRE_THROWS_MATCHES(
      HfConfig::load(dir.path().string()), Error, Catch::Predicate<Error>([](const Error& e) {
        return e.code() == ErrorCode::kFormat &&
               std::string(e.what()).find("invalid UTF-8 at byte offset 16") != std::string::npos;
      }));
}

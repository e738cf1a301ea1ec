// Model hyper-parameters: architecture flags, generation_config eos ids, rope_freqs fitting.
#include <catch2/catch.hpp>
#include <fstream>

#include "core/error.h"
#include "formats/hf_config.h"
#include "models/hparams.h"
#include "models/model_test_util.h"
#include "models/rope_freqs.h"
#include "ops/rope.h"

using namespace loka;
using namespace loka::model_test;

namespace {

HfConfig config_for(const std::string& arch, const std::string& extra = "") {
  return HfConfig::parse(R"({"architectures": [")" + arch + R"("], "hidden_size": 64,
      "intermediate_size": 128, "num_hidden_layers": 2, "num_attention_heads": 4,
      "num_key_value_heads": 2, "vocab_size": 100, "max_position_embeddings": 4096,
      "eos_token_id": [7, 8])" +
                         extra + "}");
}

}  // namespace

TEST_CASE("models: architecture flags from config.json", "[models][hparams]") {
  const ModelHparams llama = hparams_from_hf(config_for("LlamaForCausalLM"), {}, "c");
  CHECK(!llama.qkv_bias);
  CHECK(!llama.o_bias);
  CHECK(!llama.qk_norm);
  CHECK(llama.head_dim == 16);
  const ModelHparams biased =
      hparams_from_hf(config_for("LlamaForCausalLM", R"(, "attention_bias": true)"), {}, "c");
  CHECK(biased.qkv_bias);
  CHECK(biased.o_bias);
  const ModelHparams qwen2 = hparams_from_hf(config_for("Qwen2ForCausalLM"), {}, "c");
  CHECK(qwen2.qkv_bias);
  CHECK(!qwen2.o_bias);
  const ModelHparams qwen3 = hparams_from_hf(config_for("Qwen3ForCausalLM"), {}, "c");
  CHECK(qwen3.qk_norm);
  const ModelHparams mistral =
      hparams_from_hf(config_for("MistralForCausalLM", R"(, "sliding_window": 1024)"), {9, 7}, "c");
  CHECK(mistral.context == 1024);  // no sliding-window mask: stay inside one window
  CHECK(mistral.eos_ids == std::vector<int32_t>{9, 7, 8});
  CHECK_THROWS_AS(
      hparams_from_hf(config_for("LlamaForCausalLM", R"(, "hidden_act": "gelu")"), {}, "c"), Error);
  CHECK_THROWS_AS(hparams_from_hf(config_for("LlamaForCausalLM", R"(, "mlp_bias": true)"), {}, "c"),
                  Error);
}

TEST_CASE("models: generation_config.json eos ids", "[models][hparams]") {
  TempDir tmp;
  CHECK(load_generation_eos_ids(tmp.str()).empty());
  std::ofstream(tmp.file("generation_config.json")) << R"({"eos_token_id": [128001, 128009]})";
  CHECK(load_generation_eos_ids(tmp.str()) == std::vector<int64_t>{128001, 128009});
  std::ofstream(tmp.file("generation_config.json")) << R"({"eos_token_id": 2})";
  CHECK(load_generation_eos_ids(tmp.str()) == std::vector<int64_t>{2});
  std::ofstream(tmp.file("generation_config.json")) << R"({"eos_token_id": "x"})";
  CHECK_THROWS_AS(load_generation_eos_ids(tmp.str()), Error);
}

TEST_CASE("models: rope_freqs factors map back to a scaling", "[models][hparams]") {
  RopeParams base;
  base.theta = 500000.0;
  // Llama 3.1's published scaling (factor 8, 1 / 4, 8192), head_dim 128: the factors as
  // convert_hf_to_gguf.py computes them, written out here independently.
  const int64_t dim = 128;
  std::vector<float> factors;
  for (int64_t i = 0; i < dim / 2; ++i) {
    const double freq = 1.0 / std::pow(500000.0, 2.0 * i / dim);
    const double wavelen = 2.0 * M_PI / freq;
    const double low_wavelen = 8192.0 / 1.0, high_wavelen = 8192.0 / 4.0;
    if (wavelen < high_wavelen) {
      factors.push_back(1.0f);
    } else if (wavelen > low_wavelen) {
      factors.push_back(8.0f);
    } else {
      const double smooth = (8192.0 / wavelen - 1.0) / (4.0 - 1.0);
      factors.push_back(static_cast<float>(1.0 / ((1 - smooth) / 8.0 + smooth)));
    }
  }
  const RopeParams p = rope_from_freq_factors(base, dim, factors, "t");
  CHECK(p.scaling == RopeScaling::kLlama3);
  const std::vector<double> got = ops::rope_inv_freq(p, dim);
  for (int64_t i = 0; i < dim / 2; ++i) {
    const double want = 1.0 / std::pow(500000.0, 2.0 * i / dim) / factors[i];
    CHECK(got[i] == Approx(want).epsilon(1e-5));
  }
  CHECK(rope_from_freq_factors(base, dim, std::vector<float>(64, 1.0f), "t").scaling ==
        RopeScaling::kNone);
  CHECK(rope_from_freq_factors(base, dim, std::vector<float>(64, 4.0f), "t").scaling ==
        RopeScaling::kLinear);
  std::vector<float> odd(64, 1.0f);
  odd[3] = 5.0f;  // not monotone: no llama3 scaling gives this
  CHECK_THROWS_AS(rope_from_freq_factors(base, dim, odd, "t"), Error);
  CHECK_THROWS_AS(rope_from_freq_factors(base, dim, std::vector<float>(10, 1.0f), "t"), Error);
}

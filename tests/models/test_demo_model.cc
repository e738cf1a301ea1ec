// The bundled demo model examples/models/austen-6m: loads, and greedy decoding is deterministic
// readable text.
#include <catch2/catch.hpp>
#include <cmath>

#include "backend/registry.h"
#include "models/model.h"
#include "ops/argmax.h"

using namespace loka;

namespace {

std::vector<int32_t> greedy(Model& m, const std::vector<int32_t>& prompt, int count) {
  auto be = create_backend(Device{}, {.threads = 1});
  auto cache = m.new_cache(static_cast<int64_t>(prompt.size()) + count);
  Tensor logits = m.forward(prompt, *cache);
  std::vector<int32_t> out;
  for (int i = 0; i < count; ++i) {
    const auto* p = logits.data_as<const float>();
    for (int64_t v = 0; v < logits.numel(); ++v) REQUIRE(std::isfinite(p[v]));
    out.push_back(ops::argmax(*be, logits).data_as<int32_t>()[0]);
    if (i + 1 < count) logits = m.forward({&out.back(), 1}, *cache);
  }
  return out;
}

}  // namespace

TEST_CASE("models: the demo model continues a sentence deterministically", "[models][demo]") {
  const std::string dir = std::string(LOKA_SOURCE_DIR) + "/examples/models/austen-6m";
  auto model = Model::load(dir, {.threads = 2});
  const ModelInfo& info = model->info();
  CHECK(info.architecture == "LlamaForCausalLM");
  CHECK(info.weight_dtype == "bf16");
  CHECK(info.tied_embeddings);
  CHECK(info.parameters > 5'000'000);
  CHECK(info.parameters < 7'000'000);
  REQUIRE(model->has_tokenizer());
  const std::vector<int32_t> eos = model->eos_ids();
  CHECK(std::find(eos.begin(), eos.end(), 1) != eos.end());  // config.json eos_token_id

  const Tokenizer& tok = model->tokenizer();
  const std::vector<int32_t> prompt = tok.encode("It is a truth universally acknowledged");
  REQUIRE(!prompt.empty());
  const std::vector<int32_t> a = greedy(*model, prompt, 24);
  const std::vector<int32_t> b = greedy(*model, prompt, 24);
  CHECK(a == b);
  const std::string text = tok.decode(a, {.skip_special = true});
  WARN("austen-6m: \"It is a truth universally acknowledged\" ->" << text);
  // A trained model continues English prose: mostly letters and spaces, several words.
  size_t letters = 0, spaces = 0;
  for (unsigned char c : text) {
    letters += std::isalpha(c) ? 1 : 0;
    spaces += c == ' ' ? 1 : 0;
  }
  CHECK(letters >= text.size() / 2);
  CHECK(spaces >= 3);
}

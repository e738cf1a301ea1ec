// The fixtures converted to GGUF by tools/convert_hf_to_gguf.py (llama.cpp names, Q/K permutation,
// rope_freqs) against transformers.
#include <catch2/catch.hpp>
#include <filesystem>

#include "models/model.h"
#include "models/model_test_util.h"

using namespace loka;
using namespace loka::model_test;

TEST_CASE("models: GGUF conversions match transformers", "[models][gguf]") {
  int tested = 0;
  for (const std::string& dir : fixture_dirs()) {
    const std::string name = std::filesystem::path(dir).filename().string();
    const std::string gguf = dir + "/model.gguf";
    if (!std::filesystem::exists(gguf)) {
      WARN(name << ": no model.gguf (made by tools/convert_hf_to_gguf.py); skipped");
      continue;
    }
    SECTION(name) {
      const Reference ref = load_reference(dir);
      auto model = Model::load(gguf, {.threads = 2});
      auto hf = Model::load(dir, {.threads = 2});
      CHECK(model->info().format == "gguf");
      CHECK(model->info().parameters == hf->info().parameters);
      CHECK(model->info().tied_embeddings == hf->info().tied_embeddings);
      CHECK(model->info().context_length == hf->info().context_length);
      if (model->has_tokenizer() && hf->has_tokenizer()) {
        CHECK(model->tokenizer().vocab_size() == hf->tokenizer().vocab_size());
      }

      auto cache = model->new_cache();
      const Tensor logits = model->forward(ref.input_ids, *cache, true);
      const double err = max_abs_diff(logits, ref.logits), range = value_range(ref.logits);
      WARN(name << " gguf: max abs logit error " << err << " (" << err / range << " of the range)");
      CHECK(err <= 1e-4 * range);

      CHECK(greedy_tokens(*model, ref.input_ids, ref.greedy_ids.size()) == ref.greedy_ids);
    }
    ++tested;
  }
  if (tested == 0) WARN("no fixture has a model.gguf: the GGUF path is untested");
}

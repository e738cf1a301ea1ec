// Generator on the bundled demo model: cache reuse gives the same tokens as a fresh session; streaming; stats.
#include <catch2/catch.hpp>

#include "models/model.h"
#include "runtime/generator.h"

using namespace loka;

TEST_CASE("generator demo: reusing the cached prefix matches a fresh session", "[generator][demo]") {
  auto model = Model::load(std::string(LOKA_SOURCE_DIR) + "/examples/models/austen-6m");
  GenerateOptions greedy;
  greedy.sampling.temperature = 0;
  greedy.max_tokens = 12;
  greedy.ignore_eos = true;

  Generator reused(model);
  std::string streamed;
  const GenerateResult first = reused.generate(std::string_view("It is a truth universally acknowledged"), greedy,
                                               [&](std::string_view p) {
                                                 streamed += p;
                                                 return true;
                                               });
  CHECK(streamed == first.text);
  CHECK(first.text == model->tokenizer().decode(first.tokens));
  CHECK(first.stats.prompt_tokens == 10);
  CHECK(first.stats.generated_tokens == 12);

  // Second turn: the first prompt, its continuation, and more text.
  std::vector<int32_t> prompt = model->tokenizer().encode("It is a truth universally acknowledged", {.add_special = true});
  prompt.insert(prompt.end(), first.tokens.begin(), first.tokens.end());
  for (int32_t t : model->tokenizer().encode(" Mr. Darcy")) prompt.push_back(t);
  const GenerateResult again = reused.generate(std::span<const int32_t>(prompt), greedy);
  CHECK(again.stats.cached_tokens == 10 + 11);  // the last sampled token was never run
  Generator fresh(model);
  const GenerateResult expect = fresh.generate(std::span<const int32_t>(prompt), greedy);
  CHECK(expect.stats.cached_tokens == 0);
  CHECK(again.tokens == expect.tokens);

  // Same seed, same sampled text.
  GenerateOptions sampled;
  sampled.sampling.seed = 11;
  sampled.max_tokens = 20;
  fresh.reset();
  const std::string a = fresh.generate(std::string_view("Emma"), sampled).text;
  fresh.reset();
  CHECK(fresh.generate(std::string_view("Emma"), sampled).text == a);
}

// C ABI tests of loka_session_get_logits: counts, errors, and agreement with greedy decoding.
#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "loka.h"

namespace {

const std::string kDemoModel = std::string(LOKA_SOURCE_DIR) + "/examples/models/austen-6m";

loka_code code_of(loka_status* s) {
  const loka_code c = loka_status_code(s);
  loka_status_free(s);
  return c;
}

}  // namespace

TEST_CASE("capi: logits of the last step", "[capi]") {
  loka_model* model = nullptr;
  REQUIRE(loka_model_load(kDemoModel.c_str(), nullptr, &model) == nullptr);
  loka_session* session = nullptr;
  REQUIRE(loka_session_create(model, nullptr, &session) == nullptr);
  size_t count = 7;
  CHECK(code_of(loka_session_get_logits(session, nullptr, 0, &count)) == LOKA_NOT_FOUND);
  CHECK(count == 0);
  CHECK(code_of(loka_session_get_logits(session, nullptr, 0, nullptr)) == LOKA_INVALID_ARGUMENT);
  CHECK(code_of(loka_session_get_logits(nullptr, nullptr, 0, &count)) == LOKA_INVALID_ARGUMENT);

  loka_generate_params p;
  REQUIRE(LOKA_GENERATE_PARAMS_INIT(&p) == nullptr);
  p.temperature = 0;
  p.max_tokens = 1;
  loka_stats stats;
  stats.struct_size = sizeof stats;
  REQUIRE(loka_generate(session, "It is a truth", &p, nullptr, nullptr, &stats) == nullptr);
  REQUIRE(stats.generated_tokens == 1);
  REQUIRE(loka_session_get_logits(session, nullptr, 0, &count) == nullptr);
  CHECK(count == 4096);
  std::vector<float> logits(count);
  CHECK(code_of(loka_session_get_logits(session, logits.data(), count - 1, &count)) == LOKA_INVALID_ARGUMENT);
  REQUIRE(loka_session_get_logits(session, logits.data(), logits.size(), &count) == nullptr);

  // The greedy token is the argmax of these logits: generate it again from ids and compare.
  const int32_t argmax = static_cast<int32_t>(std::max_element(logits.begin(), logits.end()) - logits.begin());
  int32_t* ids = nullptr;
  size_t n = 0;
  REQUIRE(loka_tokenize(model, "It is a truth", 13, 1, 1, &ids, &n) == nullptr);
  std::vector<int32_t> prompt(ids, ids + n);
  loka_free(ids);
  p.max_tokens = 0;  // a prompt alone: the next-token distribution after it
  REQUIRE(loka_generate_tokens(session, prompt.data(), prompt.size(), &p, nullptr, nullptr, nullptr) == nullptr);
  std::vector<float> again(count);
  REQUIRE(loka_session_get_logits(session, again.data(), again.size(), &count) == nullptr);
  CHECK(again == logits);
  char* text = nullptr;
  REQUIRE(loka_detokenize(model, &argmax, 1, 0, &text, nullptr) == nullptr);
  CHECK(!std::string(text).empty());
  loka_free(text);

  REQUIRE(loka_session_reset(session) == nullptr);
  CHECK(code_of(loka_session_get_logits(session, nullptr, 0, &count)) == LOKA_NOT_FOUND);
  loka_session_free(session);
  loka_model_free(model);
}

// Public C++ API (include/loka) tests: error translation, sessions over a fake model, the demo model.
#include <fstream>
#include <iterator>

#include <catch2/catch.hpp>

#include "loka/loka.hpp"
#include "runtime/api_internal.h"
#include "runtime/fake_model.h"
#include "test_util.h"

namespace api = loka::api;

namespace {

api::Model fake_api_model(const std::string& tokenizer_source = std::string(LOKA_SOURCE_DIR) +
                                                                "/examples/models/austen-6m") {
  auto impl = std::make_shared<api::Model::Impl>();
  impl->model = std::make_shared<loka::test::FakeModel>(loka::Tokenizer::open(tokenizer_source));
  impl->info.path = "fake";
  return api::Model(impl);
}

}  // namespace

TEST_CASE("api: errors carry the internal code and message", "[api]") {
  try {
    api::Model::load("/nonexistent/model-dir");
    FAIL("no error");
  } catch (const api::Error& e) {
    CHECK(e.code() == api::ErrorCode::kNotFound);
    CHECK(std::string(e.what()).find("/nonexistent/model-dir") != std::string::npos);
  }
  const api::Model m = fake_api_model();
  CHECK_THROWS_AS(m.detokenize(std::vector<int32_t>{-5}), api::Error);
  // The demo tokenizer's template; expected text rendered by Python jinja2.
  CHECK(m.apply_chat_template({{"user", "hi"}}, true) == "\"hi\" said Mr. Bennet.\n\n\"");
  {
    // A tokenizer.json alone (no tokenizer_config.json) has no chat template.
    const std::string bare = loka::test::temp_path("api-no-template-tokenizer.json");
    std::ifstream src(std::string(LOKA_SOURCE_DIR) + "/tests/data/models/llama2/tokenizer.json");
    loka::test::write_file(bare, std::string(std::istreambuf_iterator<char>(src), {}));
    try {
      fake_api_model(bare).apply_chat_template({{"user", "hi"}}, true);
      FAIL("no error");
    } catch (const api::Error& e) {
      CHECK(e.code() == api::ErrorCode::kNotFound);
    }
  }
  api::Session s(m, 16);
  api::GenerateParams bad;
  bad.sampling.top_p = -1;
  try {
    s.generate(std::vector<int32_t>{5}, bad);
    FAIL("no error");
  } catch (const api::Error& e) {
    CHECK(e.code() == api::ErrorCode::kInvalidArgument);
  }
}

TEST_CASE("api: a session generates, streams and reports stats", "[api]") {
  const api::Model m = fake_api_model();
  api::Session s(m);
  api::GenerateParams p;
  p.max_tokens = 5;
  p.sampling.temperature = 0;
  std::string streamed;
  const api::Result r = s.generate(std::vector<int32_t>{300}, p, [&](std::string_view piece) {
    streamed += piece;
    return true;
  });
  CHECK(r.tokens == std::vector<int32_t>{301, 302, 303, 304, 305});
  CHECK(r.text == streamed);
  CHECK(r.text == m.detokenize(r.tokens));
  CHECK(r.stop_reason == api::StopReason::kMaxTokens);
  CHECK(r.stats.generated_tokens == 5);
  CHECK(m.tokenize("It is", true) == std::vector<int32_t>{0, 1426, 366});  // HF tokenizers
}

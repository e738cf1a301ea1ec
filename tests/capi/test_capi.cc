// C ABI tests through loka.h only: statuses, NULL arguments, params structs, and the demo model end to end.
#include <atomic>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>

#include "loka.h"

namespace {

const std::string kDemo = std::string(LOKA_SOURCE_DIR) + "/examples/models/austen-6m";

// Takes ownership of a status and returns its code (and message).
loka_code take(loka_status* s, std::string* message = nullptr) {
  const loka_code c = loka_status_code(s);
  if (message) *message = loka_status_message(s);
  loka_status_free(s);
  return c;
}

// The bundled demo model (the loader must handle it: no skip).
loka_model* load_demo() {
  loka_model* model = nullptr;
  loka_status* s = loka_model_load(kDemo.c_str(), nullptr, &model);
  INFO(loka_status_message(s));
  REQUIRE(s == nullptr);
  return model;
}

int32_t collect(const char* piece, size_t len, void* user) {
  REQUIRE(std::strlen(piece) == len);
  static_cast<std::string*>(user)->append(piece, len);
  return 0;
}

}  // namespace

TEST_CASE("capi: version, statuses, release functions accept NULL", "[capi]") {
  REQUIRE(loka_version() != nullptr);
  CHECK(std::string(loka_version()) == "0.1.0");
  CHECK(loka_status_code(nullptr) == LOKA_OK);
  CHECK(std::string(loka_status_message(nullptr)).empty());
  loka_status_free(nullptr);
  loka_model_free(nullptr);
  loka_session_free(nullptr);
  loka_session_cancel(nullptr);
  loka_free(nullptr);
}

TEST_CASE("capi: a missing model file is NOT_FOUND naming the path", "[capi]") {
  const std::string path = "/nonexistent/dir/model.gguf";
  loka_model* model = reinterpret_cast<loka_model*>(0x1);
  std::string msg;
  CHECK(take(loka_model_load(path.c_str(), nullptr, &model), &msg) == LOKA_NOT_FOUND);
  CHECK(msg.find(path) != std::string::npos);
  CHECK(model == nullptr);
}

TEST_CASE("capi: NULL arguments are INVALID_ARGUMENT, never a crash", "[capi]") {
  loka_model* model = nullptr;
  loka_session* session = nullptr;
  std::string msg;
  CHECK(take(loka_model_load(nullptr, nullptr, &model), &msg) == LOKA_INVALID_ARGUMENT);
  CHECK(msg.find("path") != std::string::npos);
  CHECK(take(loka_model_load(kDemo.c_str(), nullptr, nullptr)) == LOKA_INVALID_ARGUMENT);
  CHECK(take(loka_model_get_info(nullptr, nullptr)) == LOKA_INVALID_ARGUMENT);
  CHECK(take(loka_session_create(nullptr, nullptr, &session)) == LOKA_INVALID_ARGUMENT);
  CHECK(session == nullptr);
  CHECK(take(loka_session_reset(nullptr)) == LOKA_INVALID_ARGUMENT);
  CHECK(take(loka_generate(nullptr, "x", nullptr, nullptr, nullptr, nullptr)) == LOKA_INVALID_ARGUMENT);
  CHECK(take(loka_generate_tokens(nullptr, nullptr, 0, nullptr, nullptr, nullptr, nullptr)) ==
        LOKA_INVALID_ARGUMENT);
  CHECK(take(loka_chat(nullptr, nullptr, 0, nullptr, nullptr, nullptr, nullptr)) == LOKA_INVALID_ARGUMENT);
  int32_t* ids = nullptr;
  size_t n = 0;
  CHECK(take(loka_tokenize(nullptr, "x", 1, 1, 1, &ids, &n)) == LOKA_INVALID_ARGUMENT);
  CHECK(take(loka_tokenize(nullptr, "x", 1, 1, 1, nullptr, nullptr)) == LOKA_INVALID_ARGUMENT);
  char* text = nullptr;
  CHECK(take(loka_detokenize(nullptr, nullptr, 0, 0, &text, nullptr)) == LOKA_INVALID_ARGUMENT);
  CHECK(take(loka_apply_chat_template(nullptr, nullptr, 0, 1, &text)) == LOKA_INVALID_ARGUMENT);
  CHECK(text == nullptr);
  CHECK(take(loka_model_params_init(nullptr, sizeof(loka_model_params))) == LOKA_INVALID_ARGUMENT);
  CHECK(take(loka_generate_params_init(nullptr, sizeof(loka_generate_params))) == LOKA_INVALID_ARGUMENT);
  CHECK(take(loka_session_params_init(nullptr, sizeof(loka_session_params))) == LOKA_INVALID_ARGUMENT);
}

TEST_CASE("capi: params defaults and struct_size", "[capi]") {
  loka_generate_params g;
  REQUIRE(LOKA_GENERATE_PARAMS_INIT(&g) == nullptr);
  CHECK(g.struct_size == sizeof(loka_generate_params));
  CHECK(g.max_tokens == 256);
  CHECK(g.temperature == Approx(0.8f));
  CHECK(g.top_k == 40);
  CHECK(g.top_p == Approx(0.95f));
  CHECK(g.repeat_penalty == 1.0f);
  CHECK(g.stop == nullptr);
  loka_model_params m;
  REQUIRE(LOKA_MODEL_PARAMS_INIT(&m) == nullptr);
  CHECK(m.struct_size == sizeof(loka_model_params));
  CHECK(m.use_mmap == 1);
  CHECK(m.device == nullptr);
  m.struct_size = 0;
  loka_model* model = nullptr;
  std::string msg;
  CHECK(take(loka_model_load(kDemo.c_str(), &m, &model), &msg) == LOKA_INVALID_ARGUMENT);
  CHECK(msg.find("struct_size") != std::string::npos);
}

TEST_CASE("capi: demo model end to end", "[capi]") {
  loka_model* model = load_demo();
  loka_model_info info;
  info.struct_size = sizeof info;
  REQUIRE(loka_model_get_info(model, &info) == nullptr);
  CHECK(std::string(info.architecture) == "LlamaForCausalLM");
  CHECK(info.vocab_size == 4096);

  // Ids from Hugging Face tokenizers.
  const char* prompt = "It is a truth universally acknowledged";
  int32_t* ids = nullptr;
  size_t n = 0;
  REQUIRE(loka_tokenize(model, prompt, std::strlen(prompt), 1, 1, &ids, &n) == nullptr);
  CHECK(std::vector<int32_t>(ids, ids + n) == std::vector<int32_t>{0, 1426, 366, 260, 1918, 474, 74, 1180, 556, 2763});
  char* text = nullptr;
  size_t len = 0;
  REQUIRE(loka_detokenize(model, ids + 1, n - 1, 0, &text, &len) == nullptr);
  CHECK(std::string(text, len) == prompt);
  loka_free(text);
  loka_free(ids);
  const loka_chat_message msg = {"user", "hi"};
  // Expected text rendered by Python jinja2 from the demo model's tokenizer_config.json.
  REQUIRE(loka_apply_chat_template(model, &msg, 1, 1, &text) == nullptr);
  CHECK(std::string(text) == "\"hi\" said Mr. Bennet.\n\n\"");
  loka_free(text);

  loka_session* session = nullptr;
  REQUIRE(loka_session_create(model, nullptr, &session) == nullptr);
  loka_model_free(model);  // the session keeps it alive
  loka_generate_params p;
  REQUIRE(LOKA_GENERATE_PARAMS_INIT(&p) == nullptr);
  p.max_tokens = 24;
  p.seed = 7;
  loka_stats stats;
  stats.struct_size = sizeof stats;
  std::string out1, out2;
  REQUIRE(loka_generate(session, prompt, &p, collect, &out1, &stats) == nullptr);
  CHECK(stats.prompt_tokens == 10);
  CHECK(stats.generated_tokens >= 1);
  CHECK(stats.decode_tokens_per_s >= 0);
  CHECK(!out1.empty());
  REQUIRE(loka_session_reset(session) == nullptr);
  REQUIRE(loka_generate(session, prompt, &p, collect, &out2, &stats) == nullptr);
  CHECK(out1 == out2);  // same seed, same text

  // Cancellation from another thread.
  std::atomic<int> pieces{0};
  p.max_tokens = -1;
  p.ignore_eos = 1;
  std::thread t([&] {
    while (pieces.load() < 3) std::this_thread::yield();
    loka_session_cancel(session);
  });
  auto count = [](const char*, size_t, void* user) -> int32_t {
    ++*static_cast<std::atomic<int>*>(user);
    return 0;
  };
  const loka_status* s = loka_generate(session, prompt, &p, count, &pieces, &stats);
  t.join();
  CHECK(s == nullptr);
  CHECK(stats.stop_reason == LOKA_STOP_CANCELLED);
  loka_session_free(session);
}

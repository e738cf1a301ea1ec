// Sealed models load through every path (Model::load, C++ API, C ABI) and give the same logits
// as the plaintext model; wrong keys fail before any model code runs.
#include <catch2/catch.hpp>

#include <cstring>
#include <filesystem>

#include "core/error.h"
#include "loka.h"
#include "loka/loka.hpp"
#include "models/model.h"
#include "seal/seal_test_util.h"
#include "test_util.h"

using namespace loka;
using namespace loka::seal_test;

namespace {

std::string llama3_dir() { return test::source_data_dir() + "/models/llama3"; }

std::vector<float> logits_of(Model& m) {
  const std::vector<int32_t> ids{1, 5, 9, 42, 7, 100, 3};
  auto cache = m.new_cache(16);
  const Tensor t = m.forward(ids, *cache, true);
  const float* p = t.data_as<float>();
  return std::vector<float>(p, p + t.numel());
}

std::string key_file() {
  const std::string path = test::temp_path("model.key");
  const auto k = test_key();
  test::write_file(path, std::string(k.begin(), k.end()));
  return path;
}

}  // namespace

TEST_CASE("seal: sealed GGUF and HF folder give the plaintext model's logits", "[seal][models]") {
  const std::string dir = llama3_dir();
  REQUIRE(std::filesystem::exists(dir + "/model.gguf"));
  for (const std::string source : {dir + "/model.gguf", dir}) {
    auto plain = Model::load(source, {.threads = 2});
    const std::vector<float> want = logits_of(*plain);
    for (seal::Suite s : {seal::Suite::kAes256Gcm, seal::Suite::kSm4CtrHmacSm3}) {
      INFO(source << " " << seal::suite_name(s));
      const std::string out = test::temp_path("llama3.lks");
      seal_small(source, out, s);
      ModelLoadOptions o;
      o.threads = 2;
      o.key = key_source();
      double last = 0;
      bool monotone = true;
      o.progress = [&](double f) {
        monotone = monotone && f >= last;
        last = f;
      };
      auto sealed = Model::load(out, o);
      CHECK(monotone);
      CHECK(last == 1.0);
      CHECK(sealed->info().format == plain->info().format);
      CHECK(sealed->info().parameters == plain->info().parameters);
      CHECK(sealed->has_tokenizer() == plain->has_tokenizer());
      CHECK(sealed->eos_ids() == plain->eos_ids());
      if (plain->has_tokenizer()) {
        CHECK(sealed->tokenizer().encode("Hello sealed world") == plain->tokenizer().encode("Hello sealed world"));
      }
      CHECK(logits_of(*sealed) == want);  // the same bytes: bit-identical logits

      o.key = key_source(9);
      try {
        Model::load(out, o);
        FAIL("loaded with the wrong key");
      } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::kKey);
      }
      o.key = {};
      try {
        Model::load(out, o);
        FAIL("loaded without a key");
      } catch (const Error& e) {
        CHECK(e.code() == ErrorCode::kKey);
      }
    }
  }
}

TEST_CASE("seal: C++ API and C ABI load sealed models", "[seal][capi]") {
  const std::string out = test::temp_path("llama3_api.lks");
  seal_small(llama3_dir() + "/model.gguf", out, seal::Suite::kSm4CtrHmacSm3);
  const std::string kf = key_file();

  api::LoadOptions lo;
  lo.threads = 2;
  lo.key_file = kf;
  const api::Model m = api::Model::load(out, lo);
  CHECK(m.info().format == "gguf");
  lo.key_file.clear();
  lo.key_callback = [](const std::string&, std::span<uint8_t> k) {
    const auto key = test_key();
    std::copy(key.begin(), key.end(), k.begin());
    return true;
  };
  CHECK_NOTHROW(api::Model::load(out, lo));
  lo.key_file = kf;
  CHECK_THROWS_AS(api::Model::load(out, lo), api::Error);  // two key sources
  lo.key_file.clear();
  lo.key_callback = {};
  lo.passphrase = "not the key";
  try {
    api::Model::load(out, lo);
    FAIL("no error");
  } catch (const api::Error& e) {
    CHECK(e.code() == api::ErrorCode::kKey);
  }

  loka_model_params p;
  REQUIRE(LOKA_MODEL_PARAMS_INIT(&p) == nullptr);
  CHECK(p.struct_size == sizeof(loka_model_params));
  CHECK(p.key_fn == nullptr);
  CHECK(p.key_file == nullptr);
  p.threads = 2;
  loka_model* model = nullptr;
  loka_status* st = loka_model_load(out.c_str(), &p, &model);
  CHECK(loka_status_code(st) == LOKA_KEY);
  loka_status_free(st);
  CHECK(model == nullptr);

  p.key_file = kf.c_str();
  st = loka_model_load(out.c_str(), &p, &model);
  CHECK(st == nullptr);
  loka_model_free(model);

  struct Calls {
    int n = 0;
    std::string id;
  } calls;
  p.key_file = nullptr;
  p.key_user_data = &calls;
  p.key_fn = [](const char* id, uint8_t* key, size_t len, void* user) -> int32_t {
    auto* c = static_cast<Calls*>(user);
    ++c->n;
    c->id = id;
    if (len != 32) return 1;
    const auto k = test_key();
    std::memcpy(key, k.data(), 32);
    return 0;
  };
  model = nullptr;
  st = loka_model_load(out.c_str(), &p, &model);
  CHECK(st == nullptr);
  CHECK(calls.n == 1);
  CHECK(calls.id.empty());
  loka_model_free(model);

  p.key_fn = [](const char*, uint8_t*, size_t, void*) -> int32_t { return 1; };
  model = nullptr;
  st = loka_model_load(out.c_str(), &p, &model);
  CHECK(loka_status_code(st) == LOKA_KEY);
  loka_status_free(st);

  // A damaged file: LOKA_INTEGRITY, and no model.
  std::string bytes = read_file(out);
  bytes[bytes.size() / 2] ^= 0x10;
  const std::string bad = test::temp_path("llama3_bad.lks");
  test::write_file(bad, bytes);
  p.key_fn = nullptr;
  p.key_file = kf.c_str();
  model = nullptr;
  st = loka_model_load(bad.c_str(), &p, &model);
  CHECK(loka_status_code(st) == LOKA_INTEGRITY);
  CHECK(std::string(loka_status_message(st)).find("chunk ") != std::string::npos);
  loka_status_free(st);
  CHECK(model == nullptr);
}

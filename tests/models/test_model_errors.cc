// Bad models and bad calls: missing/misshapen tensors, unknown architectures, truncated files, bad
// tokens.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "formats/test_gguf_util.h"
#include "models/model.h"
#include "models/model_test_util.h"

using namespace loka;
using namespace loka::model_test;
using Catch::Matchers::Contains;

namespace {

std::string fixture(const std::string& name) {
  return std::string(LOKA_SOURCE_DIR) + "/tests/data/models/" + name;
}

// Loading must throw Error with `code` and a message holding every piece of `needles`.
void expect_load_error(const std::string& path, ErrorCode code,
                       const std::vector<std::string>& needles) {
  try {
    Model::load(path);
    FAIL("no error for " << path);
  } catch (const Error& e) {
    INFO(e.what());
    CHECK(e.code() == code);
    for (const std::string& n : needles) CHECK_THAT(e.what(), Contains(n));
  }
}

template <typename F>
void expect_error(ErrorCode code, const std::string& needle, F&& f) {
  try {
    f();
    FAIL("no error");
  } catch (const Error& e) {
    INFO(e.what());
    CHECK(e.code() == code);
    CHECK_THAT(e.what(), Contains(needle));
  }
}

void write_text(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << text;
}

}  // namespace

TEST_CASE("models: missing and misshapen tensors are named", "[models][errors]") {
  const std::string src = fixture("llama2");
  std::map<std::string, Tensor> w = read_safetensors(src + "/model.safetensors");

  SECTION("missing") {
    TempDir tmp;
    copy_config(src, tmp.str());
    auto copy = w;
    copy.erase("model.layers.1.mlp.up_proj.weight");
    write_safetensors(tmp.file("model.safetensors"), copy);
    expect_load_error(tmp.str(), ErrorCode::kNotFound,
                      {"model.layers.1.mlp.up_proj.weight", "missing"});
  }
  SECTION("wrong shape") {
    TempDir tmp;
    copy_config(src, tmp.str());
    auto copy = w;
    copy["model.layers.0.self_attn.k_proj.weight"] = Tensor::zeros(DType::kF32, {16, 64});
    write_safetensors(tmp.file("model.safetensors"), copy);
    expect_load_error(
        tmp.str(), ErrorCode::kFormat,
        {"model.layers.0.self_attn.k_proj.weight", "[16, 64]", "[32, 64]", "model.safetensors"});
  }
  SECTION("wrong dtype") {
    TempDir tmp;
    copy_config(src, tmp.str());
    auto copy = w;
    copy["model.norm.weight"] = Tensor::zeros(DType::kI64, {64});
    write_safetensors(tmp.file("model.safetensors"), copy);
    expect_load_error(tmp.str(), ErrorCode::kUnsupported, {"model.norm.weight", "i64"});
  }
  SECTION("truncated file") {
    TempDir tmp;
    copy_config(src, tmp.str());
    std::filesystem::copy_file(src + "/model.safetensors", tmp.file("model.safetensors"));
    std::filesystem::resize_file(tmp.file("model.safetensors"),
                                 std::filesystem::file_size(tmp.file("model.safetensors")) - 100);
    expect_load_error(tmp.str(), ErrorCode::kFormat, {"model.safetensors"});
  }
  SECTION("no weights") {
    TempDir tmp;
    copy_config(src, tmp.str());
    expect_load_error(tmp.str(), ErrorCode::kNotFound, {"model.safetensors"});
  }
}

TEST_CASE("models: unsupported architectures and paths", "[models][errors]") {
  SECTION("HF architecture") {
    TempDir tmp;
    write_text(tmp.file("config.json"),
               R"({"architectures": ["GPT2LMHeadModel"], "hidden_size": 64,
                   "intermediate_size": 128, "num_hidden_layers": 1, "num_attention_heads": 4,
                   "vocab_size": 10, "max_position_embeddings": 32})");
    expect_load_error(tmp.str(), ErrorCode::kUnsupported, {"GPT2LMHeadModel", "config.json"});
  }
  SECTION("GGUF architecture") {
    TempDir tmp;
    gguf_test::GgufWriter g;
    g.header(3, 0, 1).key("general.architecture", 8).str("gpt2");
    write_text(tmp.file("m.gguf"), g.bytes());
    expect_load_error(tmp.file("m.gguf"), ErrorCode::kUnsupported, {"gpt2", "m.gguf"});
  }
  SECTION("GGUF missing metadata") {
    TempDir tmp;
    gguf_test::GgufWriter g;
    g.header(3, 0, 1).key("general.architecture", 8).str("qwen2");
    write_text(tmp.file("m.gguf"), g.bytes());
    expect_load_error(tmp.file("m.gguf"), ErrorCode::kNotFound, {"qwen2.block_count"});
  }
  SECTION("not a model") {
    TempDir tmp;
    write_text(tmp.file("notes.txt"), "hello");
    expect_load_error(tmp.file("notes.txt"), ErrorCode::kFormat, {"notes.txt"});
    expect_load_error(tmp.file("absent"), ErrorCode::kNotFound, {"absent"});
  }
}

TEST_CASE("models: bad forward calls leave the cache unchanged", "[models][errors]") {
  auto model = Model::load(fixture("qwen2"), {.threads = 2});
  auto other = Model::load(fixture("llama2"), {.threads = 2});
  auto cache = model->new_cache(8);
  const std::vector<int32_t> ok = {3, 4, 5};
  model->forward(ok, *cache);
  const std::vector<int32_t> bad = {3, 512};
  expect_error(ErrorCode::kInvalidArgument, "512", [&] { model->forward(bad, *cache); });
  expect_error(ErrorCode::kInvalidArgument, "-1", [&] {
    const int32_t neg = -1;
    model->forward({&neg, 1}, *cache);
  });
  expect_error(ErrorCode::kInvalidArgument, "capacity", [&] {
    const std::vector<int32_t> many(6, 7);
    model->forward(many, *cache);
  });
  expect_error(ErrorCode::kInvalidArgument, "no tokens", [&] { model->forward({}, *cache); });
  expect_error(ErrorCode::kInvalidArgument, "another model", [&] { other->forward(ok, *cache); });
  CHECK(cache->size() == 3);
  expect_error(ErrorCode::kInvalidArgument, "context length", [&] { model->new_cache(100000); });
}

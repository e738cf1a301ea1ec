// The model fixtures on the CUDA backend (skipped without a GPU): the same transformers
// references as on the CPU, CPU/GPU agreement on the demo model, out-of-memory errors and
// repeated load/unload returning device memory.
#include <catch2/catch.hpp>
#include <filesystem>

#include "backend/registry.h"
#include "core/error.h"
#include "models/model.h"
#include "models/model_test_util.h"
#include "runtime/generator.h"
#include "runtime/sampler.h"
#include "test_util.h"

using namespace loka;
using namespace loka::model_test;

namespace {

uint64_t device_free_bytes() {
  for (const DeviceDescription& d : list_devices()) {
    if (d.device.type == DeviceType::kCuda && d.device.index == 0) return d.memory.free_bytes;
  }
  return 0;
}

}  // namespace

TEST_CASE("cuda models: every fixture matches transformers (safetensors and GGUF)",
          "[models][cuda]") {
  SKIP_WITHOUT_CUDA();
  for (const std::string& dir : fixture_dirs()) {
    for (const std::string file : {std::string(), std::string("/model.gguf")}) {
      const std::string path = dir + file;
      if (!std::filesystem::exists(path)) continue;
      SECTION(path) {
        const Reference ref = load_reference(dir);
        auto model = Model::load(path, {.device = "cuda:0"});
        auto cache = model->new_cache();
        const Tensor logits = model->forward(ref.input_ids, *cache, true);
        REQUIRE(logits.device().is_host());
        const double err = max_abs_diff(logits, ref.logits), range = value_range(ref.logits);
        WARN(path << " on cuda:0: max abs logit error " << err << " (" << err / range
                  << " of the range)");
        CHECK(err <= 1e-4 * range);
        CHECK(greedy_tokens(*model, ref.input_ids, ref.greedy_ids.size()) == ref.greedy_ids);
      }
    }
  }
}

TEST_CASE("cuda models: CPU and GPU agree on the demo model", "[models][cuda]") {
  SKIP_WITHOUT_CUDA();
  const std::string demo = std::string(LOKA_SOURCE_DIR) + "/examples/models/austen-6m";
  auto cpu = Model::load(demo, {.threads = 2});
  auto gpu = Model::load(demo, {.device = "cuda:0"});
  const std::vector<int32_t> prompt = cpu->tokenizer().encode("Mr. Darcy said that", {.add_special = true});
  auto cc = cpu->new_cache(), gc = gpu->new_cache();
  const Tensor a = cpu->forward(prompt, *cc, true), b = gpu->forward(prompt, *gc, true);
  const double err = max_abs_diff(b, a), range = value_range(a);
  WARN("demo model cpu vs cuda: max abs logit error " << err << " (" << err / range
                                                       << " of the range)");
  // BF16 weights on both; the GPU rounds prefill activations to BF16 for its GEMMs.
  CHECK(err <= 2e-2 * range);
  CHECK(greedy_tokens(*gpu, prompt, 24) == greedy_tokens(*cpu, prompt, 24));
}

TEST_CASE("cuda models: a model that does not fit is an out-of-memory error", "[models][cuda][oom]") {
  SKIP_WITHOUT_CUDA();
  const std::string demo = std::string(LOKA_SOURCE_DIR) + "/examples/models/austen-6m";
  auto be = create_backend(Device{DeviceType::kCuda, 0});
  // Take device memory until less than 4 MiB is left (far less than the demo model needs).
  std::vector<Tensor> hog;
  for (int64_t chunk : {int64_t(1) << 30, int64_t(64) << 20, int64_t(4) << 20}) {
    try {
      while (true) hog.push_back(be->alloc(DType::kU8, {chunk}));
    } catch (const Error& e) {
      REQUIRE(e.code() == ErrorCode::kOutOfMemory);
    }
  }
  try {
    Model::load(demo, {.device = "cuda:0"});
    FAIL("the model loaded into 4 MiB");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kOutOfMemory);
    CHECK_THAT(e.what(), Catch::Contains("cannot allocate"));
  }
  try {
    be->alloc(DType::kF32, {int64_t(1) << 40});
    FAIL("4 TiB allocated");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kOutOfMemory);
  }
  hog.clear();
  be.reset();
  CHECK_NOTHROW(Model::load(demo, {.device = "cuda:0"}));
}

TEST_CASE("cuda models: loading and freeing 20 times returns device memory", "[models][cuda]") {
  SKIP_WITHOUT_CUDA();
  const std::string demo = std::string(LOKA_SOURCE_DIR) + "/examples/models/austen-6m";
  Model::load(demo, {.device = "cuda:0"}).reset();  // libraries and context set up once
  const uint64_t start = device_free_bytes();
  for (int i = 0; i < 20; ++i) {
    auto m = Model::load(demo, {.device = "cuda:0"});
    auto c = m->new_cache(64);
    const int32_t t = 1;
    m->forward({&t, 1}, *c);
  }
  const uint64_t end = device_free_bytes();
  INFO("free before " << start << ", after " << end);
  CHECK(end + (2u << 20) >= start);
}

TEST_CASE("cuda models: sampling on the device follows the host chain and its seed",
          "[models][cuda][sampler]") {
  SKIP_WITHOUT_CUDA();
  const std::string demo = std::string(LOKA_SOURCE_DIR) + "/examples/models/austen-6m";
  auto gpu = Model::load(demo, {.device = "cuda:0"});
  const std::vector<int32_t> prompt = gpu->tokenizer().encode("It is a truth", {.add_special = true});
  SamplerParams chain;
  chain.temperature = 0.9f;
  chain.top_k = 40;
  chain.top_p = 0.95f;
  chain.min_p = 0.02f;
  chain.repeat_penalty = 1.1f;
  chain.seed = 11;
  // Step by step: the sampler given the device logits and one given a host copy of the same
  // logits (same seed, same history) pick the same tokens.
  Sampler on_device(chain), on_host(chain);
  for (int32_t t : prompt) {
    on_device.accept(t);
    on_host.accept(t);
  }
  auto cache = gpu->new_cache(64);
  Tensor logits = gpu->forward_last(prompt, *cache);
  for (int step = 0; step < 24; ++step) {
    REQUIRE_FALSE(logits.device().is_host());
    Tensor host = Tensor::empty(DType::kF32, logits.shape());
    gpu->backend()->copy(logits, host);
    const int32_t a = on_device.sample(logits, gpu->backend());
    const int32_t b = on_host.sample({host.data_as<float>(), static_cast<size_t>(host.numel())});
    INFO("step " << step);
    REQUIRE(a == b);
    on_device.accept(a);
    on_host.accept(b);
    logits = gpu->forward_last({&a, 1}, *cache);
  }
  // Through the generator: the same seed gives the same text, also when the chain runs on
  // the host (top_k 0: the whole vocabulary).
  for (int32_t top_k : {40, 0}) {
    GenerateOptions o;
    o.sampling = chain;
    o.sampling.top_k = top_k;
    o.max_tokens = 20;
    o.ignore_eos = true;
    Generator g1(gpu), g2(gpu);
    const GenerateResult r1 = g1.generate(std::string_view("Mr. Darcy"), o);
    const GenerateResult r2 = g2.generate(std::string_view("Mr. Darcy"), o);
    INFO("top_k " << top_k);
    CHECK(r1.tokens.size() == 20);
    CHECK(r1.tokens == r2.tokens);
  }
}

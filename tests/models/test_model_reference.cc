// Every fixture under tests/data/models against transformers: logits, greedy decode, chunked
// prefill, BF16.
#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>

#include "backend/registry.h"
#include "core/error.h"
#include "models/model.h"
#include "models/model_test_util.h"
#include "ops/convert.h"

using namespace loka;
using namespace loka::model_test;

namespace {

// F32 against F32: only summation order differs; 1e-4 of the logit range is the bar.
constexpr double kF32Tolerance = 1e-4;

std::shared_ptr<Backend> cpu() {
  static auto be = create_backend(Device{}, {.threads = 2});
  return be;
}

Tensor concat_rows(const Tensor& a, const Tensor& b) {
  Tensor out = Tensor::empty(DType::kF32, {a.dim(0) + b.dim(0), a.dim(1)});
  std::memcpy(out.data(), a.data(), a.nbytes());
  std::memcpy(static_cast<char*>(out.data()) + a.nbytes(), b.data(), b.nbytes());
  return out;
}

// A copy of the fixture with every weight rounded to `dt` by our convert op.
void write_copy(const std::string& src, const std::string& dst, DType dt) {
  copy_config(src, dst);
  std::map<std::string, Tensor> w = read_safetensors(src + "/model.safetensors");
  for (auto& [name, t] : w) t = ops::convert(*cpu(), t, dt);
  write_safetensors(dst + "/model.safetensors", w);
}

}  // namespace

TEST_CASE("models: every fixture matches transformers (logits, greedy, chunked prefill)",
          "[models]") {
  const auto dirs = fixture_dirs();
  REQUIRE(dirs.size() >= 5);
  for (const std::string& dir : dirs) {
    const std::string name = std::filesystem::path(dir).filename().string();
    SECTION(name) {
      const Reference ref = load_reference(dir);
      auto model = Model::load(dir, {.threads = 2});
      CHECK(model->info().format == "safetensors");
      const double range = value_range(ref.logits);

      auto cache = model->new_cache();
      const Tensor logits = model->forward(ref.input_ids, *cache, true);
      CHECK(cache->size() == static_cast<int64_t>(ref.input_ids.size()));
      const double err = max_abs_diff(logits, ref.logits);
      INFO(name << ": max abs logit error " << err << ", range " << range);
      CHECK(err <= kF32Tolerance * range);
      WARN(name << ": max abs logit error " << err << " (" << err / range << " of the range)");

      CHECK(greedy_tokens(*model, ref.input_ids, ref.greedy_ids.size()) == ref.greedy_ids);

      // Prompt in two chunks: the second attends to the first through the cache.
      auto chunked = model->new_cache();
      const std::span<const int32_t> ids(ref.input_ids);
      const size_t half = ids.size() / 2 - 1;
      const Tensor a = model->forward(ids.first(half), *chunked, true);
      const Tensor b = model->forward(ids.subspan(half), *chunked, true);
      CHECK(max_abs_diff(concat_rows(a, b), ref.logits) <= kF32Tolerance * range);

      // Only the last row by default.
      auto last_cache = model->new_cache();
      const Tensor last = model->forward(ref.input_ids, *last_cache);
      REQUIRE(last.shape() == Shape{1, ref.logits.dim(1)});
      CHECK(max_abs_diff(last, logits.slice(0, logits.dim(0) - 1, logits.dim(0)).contiguous()) <=
            1e-5 * range);
    }
  }
}

TEST_CASE("models: truncate rewinds the cache", "[models]") {
  const std::string dir = fixture_dirs().front();
  const Reference ref = load_reference(dir);
  auto model = Model::load(dir, {.threads = 2});
  auto cache = model->new_cache(32);
  CHECK(cache->capacity() == 32);
  const Tensor first = model->forward(ref.input_ids, *cache, true);
  const int32_t junk[3] = {5, 6, 7};
  model->forward(junk, *cache);
  CHECK(cache->size() == static_cast<int64_t>(ref.input_ids.size()) + 3);
  cache->truncate(4);
  const Tensor again = model->forward(std::span(ref.input_ids).subspan(4), *cache, true);
  CHECK(max_abs_diff(again, first.slice(0, 4, first.dim(0)).contiguous()) <= 1e-5);
  CHECK_THROWS_AS(cache->truncate(cache->size() + 1), Error);
}

TEST_CASE("models: BF16 and F16 weights stay within their tolerance", "[models]") {
  // BF16 keeps 8 significant bits: each weight moves by up to 2^-9 relative, and the
  // activations may be rounded to BF16 before the GEMM too. Through two random layers
  // these independent errors add up to a few tenths of a percent of the logit range in
  // practice; 3e-2 of the range leaves a wide margin while still catching a wrong layout
  // or a wrong tensor (errors of the order of the range itself).
  // F16 keeps 11 bits (8x finer), so 1e-2 of the range has the same margin.
  const std::vector<std::pair<DType, double>> cases = {{DType::kBF16, 3e-2}, {DType::kF16, 1e-2}};
  for (const std::string& dir : fixture_dirs()) {
    for (const auto& [dt, tolerance] : cases) {
      const std::string name =
          std::filesystem::path(dir).filename().string() + " " + std::string(dtype_name(dt));
      SECTION(name) {
        TempDir tmp;
        write_copy(dir, tmp.str(), dt);
        auto model = Model::load(tmp.str(), {.threads = 2});
        CHECK(model->info().weight_dtype == dtype_name(dt));
        const Reference ref = load_reference(dir);
        auto cache = model->new_cache();
        const Tensor logits = model->forward(ref.input_ids, *cache, true);
        const double err = max_abs_diff(logits, ref.logits), range = value_range(ref.logits);
        WARN(name << ": max abs logit error " << err << " (" << err / range << " of the range)");
        CHECK(err <= tolerance * range);
      }
    }
  }
}

// Text generation on the CPU: prefill and decode tokens/s of a model, each as a fraction of
// its limit measured in the same run (decode: weight bytes per token over the read
// bandwidth; prefill: 2 FLOPs per weight per token over the f32 FMA peak).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "core/error.h"
#include "models/model.h"
#include "token_cost.h"
#include "roofline.h"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_generate MODEL [PROMPT_TOKENS=128] [GEN_TOKENS=32] [REPS=2]\n");
    return 2;
  }
  const int prompt = argc > 2 ? std::atoi(argv[2]) : 128;
  const int gen = argc > 3 ? std::atoi(argv[3]) : 32;
  const int reps = argc > 4 ? std::max(1, std::atoi(argv[4])) : 2;
  try {
    const auto& roof = loka::bench::roofline();
    loka::ModelLoadOptions opts;
    opts.threads = roof.threads;
    auto model = loka::Model::load(argv[1], opts);
    const loka::ModelInfo& info = model->info();
    const loka::bench::TokenCost cost = loka::bench::token_cost(info);
    const double bytes_per_token = cost.bytes_per_token, flops_per_token = cost.flops_per_token;

    std::mt19937 rng(42);
    std::uniform_int_distribution<int32_t> pick(0, static_cast<int32_t>(info.vocab_size - 1));
    std::vector<int32_t> ids(static_cast<size_t>(prompt));
    for (auto& id : ids) id = pick(rng);
    double best_prefill = 1e30, best_decode = 1e30;
    for (int r = 0; r < reps; ++r) {
      auto cache = model->new_cache(prompt + gen);
      auto t0 = Clock::now();
      loka::Tensor logits = model->forward(ids, *cache);
      best_prefill = std::min(best_prefill, seconds_since(t0));
      int32_t next = pick(rng);
      t0 = Clock::now();
      for (int i = 0; i < gen; ++i) {
        logits = model->forward({&next, 1}, *cache);
        next = pick(rng);
      }
      best_decode = std::min(best_decode, seconds_since(t0));
    }
    const double prefill_tps = prompt / best_prefill, decode_tps = gen / best_decode;
    const double decode_limit = roof.read_gbs * 1e9 / bytes_per_token;
    const double prefill_limit = roof.fma_gflops * 1e9 / flops_per_token;
    std::printf("model: %s (%s, %s, %.1f M parameters, %.2f GB read per decoded token)\n",
                info.path.c_str(), info.architecture.c_str(), info.weight_dtype.c_str(),
                info.parameters / 1e6, bytes_per_token / 1e9);
    std::printf("roofline: %.1f GB/s read, %.1f GFLOP/s f32 FMA (%d threads, %s)\n", roof.read_gbs,
                roof.fma_gflops, roof.threads, roof.isa.c_str());
    std::printf("prefill %d tokens: %.1f tokens/s = %.2f of the FMA limit (%.1f tokens/s)\n", prompt,
                prefill_tps, prefill_tps / prefill_limit, prefill_limit);
    std::printf("decode %d tokens: %.2f tokens/s = %.2f of the bandwidth limit (%.2f tokens/s)\n", gen,
                decode_tps, decode_tps / decode_limit, decode_limit);
  } catch (const loka::Error& e) {
    std::fprintf(stderr, "bench_generate: %s\n", e.what());
    return 1;
  }
  return 0;
}

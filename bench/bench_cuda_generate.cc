// Text generation on a CUDA device: load GB/s, prefill and decode tokens/s, time to first
// token and peak device memory, each speed as a fraction of a limit measured in the same run
// on the same device (device-to-device copy bandwidth, cuBLASLt BF16 GEMM peak).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <string>
#include <vector>

#include "backend/registry.h"
#include "core/error.h"
#include "cuda_roofline.h"
#include "token_cost.h"
#include "models/model.h"
#include "ops/matmul.h"
#include "runtime/sampler.h"

namespace {

using Clock = std::chrono::steady_clock;
using loka::Backend;
using loka::DType;
using loka::Tensor;

using loka::bench::seconds_since;

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: bench_cuda_generate MODEL [PROMPT=512] [GEN=128] [REPS=3] [DEVICE=cuda:0]\n");
    return 2;
  }
  const int prompt = argc > 2 ? std::atoi(argv[2]) : 512;
  const int gen = argc > 3 ? std::atoi(argv[3]) : 128;
  const int reps = argc > 4 ? std::max(1, std::atoi(argv[4])) : 3;
  const std::string device = argc > 5 ? argv[5] : "cuda:0";
  try {
    const loka::Device dev = loka::parse_device(device);
    double copy = 0, peak = 0;
    uint64_t free_start = 0;
    {
      auto be = loka::create_backend(dev);
      copy = loka::bench::copy_tbs(*be);
      peak = loka::bench::gemm_tflops(*be);
    }
    free_start = loka::create_backend(dev)->memory_info().free_bytes;

    auto t0 = Clock::now();
    auto model = loka::Model::load(argv[1], {.device = device});
    const double load_s = seconds_since(t0);
    const loka::ModelInfo& info = model->info();
    const loka::bench::TokenCost cost = loka::bench::token_cost(info);
    const double bytes_per_token = cost.bytes_per_token, flops_per_token = cost.flops_per_token;

    std::mt19937 rng(42);
    std::uniform_int_distribution<int32_t> pick(0, static_cast<int32_t>(info.vocab_size - 1));
    std::vector<int32_t> ids(static_cast<size_t>(prompt));
    for (auto& id : ids) id = pick(rng);
    double best_prefill = 1e30, best_ttft = 1e30, best_decode = 1e30;
    uint64_t min_free = UINT64_MAX;
    auto probe = loka::create_backend(dev);
    for (int r = 0; r < reps + 1; ++r) {  // the first round warms up (plans, pools)
      auto cache = model->new_cache(prompt + gen);
      t0 = Clock::now();
      // Greedy on the device: the logits stay there and only the token id comes back.
      loka::Sampler sampler(loka::SamplerParams{.temperature = 0.0f});
      Tensor logits = model->forward_last(ids, *cache);
      model->backend()->synchronize();
      const double prefill = seconds_since(t0);
      int32_t next = sampler.sample(logits, model->backend());
      const double ttft = seconds_since(t0);
      min_free = std::min(min_free, probe->memory_info().free_bytes);
      t0 = Clock::now();
      for (int i = 0; i < gen; ++i) {
        logits = model->forward_last({&next, 1}, *cache);
        next = sampler.sample(logits, model->backend());
      }
      const double decode = seconds_since(t0);
      min_free = std::min(min_free, probe->memory_info().free_bytes);
      if (r == 0) continue;
      best_prefill = std::min(best_prefill, prefill);
      best_ttft = std::min(best_ttft, ttft);
      best_decode = std::min(best_decode, decode);
    }
    const double prefill_tps = prompt / best_prefill, decode_tps = gen / best_decode;
    const double decode_limit = copy * 1e12 / bytes_per_token;
    const double prefill_limit = peak * 1e12 / flops_per_token;
    std::printf("device: %s\n", device.c_str());
    std::printf("model: %s (%s, %s, %.2f B parameters, %.2f GB read per decoded token)\n",
                info.path.c_str(), info.architecture.c_str(), info.weight_dtype.c_str(),
                info.parameters / 1e9, bytes_per_token / 1e9);
    std::printf("roofline: device copy %.2f TB/s (read + write), BF16 GEMM 8192^3 %.0f TFLOP/s\n",
                copy, peak);
    std::printf("load: %.2f s = %.2f GB/s of weights\n", load_s,
                cost.weight_bytes / load_s * 1e-9);
    std::printf("prefill %d tokens: %.0f tokens/s = %.3f of the GEMM limit (%.0f tokens/s); "
                "time to first token %.1f ms\n",
                prompt, prefill_tps, prefill_tps / prefill_limit, prefill_limit, best_ttft * 1e3);
    std::printf("decode %d tokens: %.1f tokens/s = %.3f of the bandwidth limit (%.1f tokens/s)\n",
                gen, decode_tps, decode_tps / decode_limit, decode_limit);
    std::printf("peak device memory: %.2f GiB (weights %.2f GiB)\n",
                double(free_start - min_free) / (1u << 30), cost.weight_bytes / (1u << 30));
  } catch (const loka::Error& e) {
    std::fprintf(stderr, "bench_cuda_generate: %s\n", e.what());
    return 1;
  }
  return 0;
}

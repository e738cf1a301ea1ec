// `loka bench`: prefill and decode tokens/s of a model on random token ids.
#include <cstdio>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "cli_model.h"
#include "commands.h"
#include "core/error.h"
#include "runtime/generator.h"

namespace loka::cli {
namespace {

struct BenchArgs {
  std::string model;
  int prompt = 512;
  int generate = 128;
  int repetitions = 3;
  int threads = 0;
  std::string device = "cpu";
  KeyArgs key;
};

void run_bench(const BenchArgs& a) {
  LOKA_CHECK(a.prompt >= 1 && a.generate >= 1 && a.repetitions >= 1, ErrorCode::kInvalidArgument,
             "bench: -p, -n and -r must be at least 1");
  auto model = load_model(a.model, a.threads, a.key, a.device);
  Generator gen(model, a.prompt + a.generate);
  std::mt19937 rng(1);
  std::uniform_int_distribution<int32_t> pick(0, model->tokenizer().vocab_size() - 1);
  GenerateOptions options;
  options.max_tokens = a.generate;
  options.ignore_eos = true;
  options.sampling.temperature = 0;
  const ModelInfo& info = model->info();
  std::printf("model: %s (%s, %s, %.1f M parameters)\n", info.path.c_str(), info.architecture.c_str(),
              info.weight_dtype.c_str(), info.parameters / 1e6);
  double best_prefill = 0, best_decode = 0;
  for (int rep = 0; rep < a.repetitions; ++rep) {
    std::vector<int32_t> ids(static_cast<size_t>(a.prompt));
    for (int32_t& id : ids) id = pick(rng);
    gen.reset();
    const GenerateResult r = gen.generate(std::span<const int32_t>(ids), options);
    std::printf("run %d: prefill %d tokens %.1f tokens/s, decode %lld tokens %.1f tokens/s\n", rep + 1, a.prompt,
                r.stats.prefill_tokens_per_s, static_cast<long long>(r.stats.generated_tokens),
                r.stats.decode_tokens_per_s);
    best_prefill = std::max(best_prefill, r.stats.prefill_tokens_per_s);
    best_decode = std::max(best_decode, r.stats.decode_tokens_per_s);
  }
  std::printf("best: prefill %.1f tokens/s, decode %.1f tokens/s\n", best_prefill, best_decode);
}

}  // namespace

void add_bench_command(CLI::App& app) {
  auto args = std::make_shared<BenchArgs>();
  CLI::App* c = app.add_subcommand("bench", "Measure prefill and decode tokens/s (random token ids)");
  c->add_option("-m,--model", args->model, "Hugging Face folder or GGUF file (default: the demo model)");
  c->add_option("-p,--prompt-tokens", args->prompt, "Prompt length")->capture_default_str();
  c->add_option("-n,--gen-tokens", args->generate, "Tokens to decode")->capture_default_str();
  c->add_option("-r,--repetitions", args->repetitions, "Runs (the best is reported)")->capture_default_str();
  c->add_option("-t,--threads", args->threads, "CPU threads (0: all cores)")->capture_default_str();
  c->add_option("-d,--device", args->device, "cpu, cuda or cuda:N")->capture_default_str();
  add_key_options(c, &args->key);
  c->callback([args] { run_bench(*args); });
}

}  // namespace loka::cli

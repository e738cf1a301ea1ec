// `loka run`: streams a completion of a prompt (or an interactive chat) to stdout; statistics on stderr.
#include <cstdio>
#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include "cli_model.h"
#include "commands.h"
#include "core/error.h"
#include "runtime/generator.h"

namespace loka::cli {
namespace {

struct RunArgs {
  std::string model;
  std::string prompt;
  bool chat = false;
  int n = 256;
  GenerateOptions options;
  int threads = 0;
  std::string device = "cpu";
  KeyArgs key;
};

bool print_piece(std::string_view piece) {
  std::fwrite(piece.data(), 1, piece.size(), stdout);
  std::fflush(stdout);
  return true;
}

void print_stats(const GenerateResult& r) {
  const GenerateStats& s = r.stats;
  std::fprintf(stderr,
               "\n[%lld prompt tokens (%lld cached), %lld generated, stop: %s; first token %.1f ms; "
               "prefill %.1f tokens/s, decode %.1f tokens/s]\n",
               static_cast<long long>(s.prompt_tokens), static_cast<long long>(s.cached_tokens),
               static_cast<long long>(s.generated_tokens), stop_reason_name(r.stop_reason),
               s.time_to_first_token_ms, s.prefill_tokens_per_s, s.decode_tokens_per_s);
}

void run_chat(Generator& gen, const GenerateOptions& options) {
  ChatRequest request;
  if (gen.model().tokenizer().chat_template().empty())
    throw Error(ErrorCode::kNotFound, gen.model().info().path + ": the model has no chat template; use -p");
  std::fprintf(stderr, "chat: one message per line; an empty line or end of input quits\n");
  std::string line;
  while (true) {
    std::fprintf(stderr, "> ");
    if (!std::getline(std::cin, line) || line.empty()) break;
    request.messages.push_back({{"role", "user"}, {"content", line}});
    const GenerateResult r = gen.chat(request, options, print_piece);
    std::fputc('\n', stdout);
    print_stats(r);
    request.messages.push_back({{"role", "assistant"}, {"content", r.text}});
  }
}

void run(RunArgs& args) {
  LOKA_CHECK(args.chat != !args.prompt.empty(), ErrorCode::kInvalidArgument,
             "run: give either -p PROMPT or --chat");
  args.options.max_tokens = args.n;
  Generator gen(load_model(args.model, args.threads, args.key, args.device));
  if (args.chat) return run_chat(gen, args.options);
  std::fwrite(args.prompt.data(), 1, args.prompt.size(), stdout);
  const GenerateResult r = gen.generate(std::string_view(args.prompt), args.options, print_piece);
  std::fputc('\n', stdout);
  print_stats(r);
}

}  // namespace

void add_run_command(CLI::App& app) {
  auto args = std::make_shared<RunArgs>();
  SamplerParams& s = args->options.sampling;
  CLI::App* c = app.add_subcommand("run", "Generate text from a prompt, or chat (streams to stdout)");
  c->add_option("-m,--model", args->model, "Hugging Face folder or GGUF file (default: the demo model)");
  c->add_option("-p,--prompt", args->prompt, "Text to continue");
  c->add_flag("--chat", args->chat, "Interactive chat: one user message per stdin line");
  c->add_option("-n,--max-tokens", args->n, "Tokens to generate (-1: until EOS or a full context)")
      ->capture_default_str();
  c->add_option("--temp", s.temperature, "Temperature (0: greedy)")->capture_default_str();
  c->add_option("--top-k", s.top_k, "Top-k (0: off)")->capture_default_str();
  c->add_option("--top-p", s.top_p, "Top-p (1: off)")->capture_default_str();
  c->add_option("--min-p", s.min_p, "Min-p (0: off)")->capture_default_str();
  c->add_option("--repeat-penalty", s.repeat_penalty, "Repetition penalty (1: off)")->capture_default_str();
  c->add_option("--presence-penalty", s.presence_penalty, "Presence penalty")->capture_default_str();
  c->add_option("--frequency-penalty", s.frequency_penalty, "Frequency penalty")->capture_default_str();
  c->add_option("--repeat-last-n", s.penalty_last_n, "Tokens the penalties look back on")->capture_default_str();
  c->add_option("--seed", s.seed, "Random seed")->capture_default_str();
  c->add_option("--stop", args->options.stop, "Stop string (repeatable)");
  c->add_flag("--ignore-eos", args->options.ignore_eos, "Go on past end-of-sequence tokens");
  c->add_option("-t,--threads", args->threads, "CPU threads (0: all cores)")->capture_default_str();
  c->add_option("-d,--device", args->device, "cpu, cuda or cuda:N")->capture_default_str();
  add_key_options(c, &args->key);
  c->callback([args] { run(*args); });
}

}  // namespace loka::cli

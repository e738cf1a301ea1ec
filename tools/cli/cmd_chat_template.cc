// `loka chat-template`: renders a conversation with a model's chat template, as transformers would.
#include <cstdio>
#include <ctime>
#include <memory>
#include <string>
#include <vector>

#include "cli_io.h"
#include "commands.h"
#include "core/error.h"
#include "formats/json_util.h"
#include "runtime/chat_prompt.h"
#include "tokenizer/tokenizer.h"

namespace loka::cli {
namespace {

struct ChatTemplateArgs {
  std::string source;
  std::string messages_file;
  bool add_generation_prompt = false;
  std::vector<std::string> variables;  // KEY=JSON
  std::string now;                     // "YYYY-MM-DD HH:MM:SS" for strftime_now
  std::string bos, eos;                // for a bare .jinja source
};

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::tm parse_now(const std::string& text) {
  std::tm tm{};
  const char* end = strptime(text.c_str(), "%Y-%m-%d %H:%M:%S", &tm);
  if (end == nullptr || *end != '\0') end = strptime(text.c_str(), "%Y-%m-%d", &tm);
  LOKA_CHECK(end != nullptr && *end == '\0', ErrorCode::kInvalidArgument,
             "--now: expected \"YYYY-MM-DD[ HH:MM:SS]\", got \"" + text + "\"");
  return tm;
}

void add_variable(ChatRequest& request, const std::string& assignment) {
  const size_t eq = assignment.find('=');
  LOKA_CHECK(eq != std::string::npos && eq > 0, ErrorCode::kInvalidArgument,
             "--var: expected KEY=JSON, got \"" + assignment + "\"");
  request.variables[assignment.substr(0, eq)] =
      parse_ordered_json_strict(assignment.substr(eq + 1), "--var " + assignment.substr(0, eq));
}

void run_chat_template(const ChatTemplateArgs& args) {
  std::string source_text;
  ChatTokens tokens{args.bos, args.eos};
  if (ends_with(args.source, ".jinja")) {
    source_text = read_input_file(args.source);
  } else {
    const Tokenizer tokenizer = Tokenizer::open(args.source);
    source_text = tokenizer.chat_template();
    LOKA_CHECK(!source_text.empty(), ErrorCode::kNotFound, args.source + ": the model has no chat template");
    tokens = {tokenizer.bos_token(), tokenizer.eos_token()};
  }
  const ChatTemplate tmpl = ChatTemplate::parse(source_text, args.source);
  ChatRequest request = parse_chat_request(read_input_file(args.messages_file), args.messages_file);
  if (args.add_generation_prompt) request.add_generation_prompt = true;
  for (const std::string& v : args.variables) add_variable(request, v);
  RenderOptions options;
  if (!args.now.empty()) options.now = parse_now(args.now);
  const std::string prompt = render_chat_prompt(tmpl, request, tokens, options);
  std::fwrite(prompt.data(), 1, prompt.size(), stdout);
}

}  // namespace

void add_chat_template_command(CLI::App& app) {
  auto args = std::make_shared<ChatTemplateArgs>();
  CLI::App* c = app.add_subcommand("chat-template", "Print the prompt a model's chat template makes of a conversation");
  c->add_option("-m,--model", args->source, "GGUF file, Hugging Face folder, tokenizer.json or a .jinja file")->required();
  c->add_option("-f,--file", args->messages_file,
                "JSON: an array of messages, or {\"messages\": [...], \"tools\": [...], ...} (- for stdin)")
      ->required();
  c->add_flag("--add-generation-prompt", args->add_generation_prompt, "End with the assistant's turn header");
  c->add_option("--var", args->variables, "Extra template variable KEY=JSON (e.g. enable_thinking=false)");
  c->add_option("--now", args->now, "Date for strftime_now, \"YYYY-MM-DD[ HH:MM:SS]\" (default: now)");
  c->add_option("--bos", args->bos, "BOS text for a .jinja source");
  c->add_option("--eos", args->eos, "EOS text for a .jinja source");
  c->callback([args] { run_chat_template(*args); });
}

}  // namespace loka::cli

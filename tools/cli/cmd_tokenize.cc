// `loka tokenize` and `loka detokenize`: text <-> token ids with a model's tokenizer.
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "cli_io.h"
#include "commands.h"
#include "tokenizer/tokenizer.h"

namespace loka::cli {
namespace {

struct TokenizeArgs {
  std::string source;
  std::string prompt;
  std::string file;
  bool special = false;
};

void run_tokenize(const TokenizeArgs& args) {
  const Tokenizer tokenizer = Tokenizer::open(args.source);
  const std::string text = args.file.empty() ? args.prompt : read_input_file(args.file);
  const std::vector<int32_t> ids = tokenizer.encode(text, EncodeOptions{.add_special = args.special});
  std::string line;
  for (size_t i = 0; i < ids.size(); ++i) {
    if (i) line += ' ';
    line += std::to_string(ids[i]);
  }
  std::printf("%s\n", line.c_str());
}

void run_detokenize(const std::string& source, const std::vector<int32_t>& ids, bool skip_special) {
  const Tokenizer tokenizer = Tokenizer::open(source);
  const std::string text = tokenizer.decode(ids, DecodeOptions{.skip_special = skip_special});
  std::fwrite(text.data(), 1, text.size(), stdout);
  std::fputc('\n', stdout);
}

}  // namespace

void add_tokenize_commands(CLI::App& app) {
  auto tok = std::make_shared<TokenizeArgs>();
  CLI::App* t = app.add_subcommand("tokenize", "Print the token ids of a text, space separated");
  t->add_option("-m,--model", tok->source, "GGUF file, Hugging Face folder or tokenizer.json")->required();
  auto* prompt = t->add_option("-p,--prompt", tok->prompt, "Text to tokenize");
  auto* file = t->add_option("-f,--file", tok->file, "File holding the text (- for stdin)");
  prompt->excludes(file);
  t->add_flag("--special", tok->special, "Add BOS/EOS as the model's config says");
  t->callback([tok, prompt, file] {
    if (prompt->count() == 0 && file->count() == 0) throw CLI::RequiredError("-p or -f");
    run_tokenize(*tok);
  });

  auto source = std::make_shared<std::string>();
  auto ids = std::make_shared<std::vector<int32_t>>();
  auto skip = std::make_shared<bool>(false);
  CLI::App* d = app.add_subcommand("detokenize", "Print the text of token ids");
  d->add_option("-m,--model", *source, "GGUF file, Hugging Face folder or tokenizer.json")->required();
  d->add_option("ids", *ids, "Token ids")->required();
  d->add_flag("--skip-special", *skip, "Leave special tokens out of the text");
  d->callback([source, ids, skip] { run_detokenize(*source, *ids, *skip); });
}

}  // namespace loka::cli

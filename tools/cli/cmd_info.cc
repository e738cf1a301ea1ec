// `loka info`: a model's architecture, size, dtypes, file format, tokenizer and context length.
#include <cstdio>
#include <memory>
#include <string>

#include "cli_model.h"
#include "commands.h"
#include "tokenizer/tokenizer_impl.h"

namespace loka::cli {
namespace {

void run_info(const std::string& path, const KeyArgs& key) {
  const auto model = load_model(path, 0, key);
  const ModelInfo& i = model->info();
  const Tokenizer& tok = model->tokenizer();
  std::printf("path:            %s\n", i.path.c_str());
  std::printf("format:          %s\n", i.format.c_str());
  std::printf("architecture:    %s\n", i.architecture.c_str());
  std::printf("parameters:      %lld (%.2f M)\n", static_cast<long long>(i.parameters), i.parameters / 1e6);
  std::printf("weight dtype:    %s\n", i.weight_dtype.c_str());
  std::printf("layers:          %lld\n", static_cast<long long>(i.layers));
  std::printf("hidden size:     %lld\n", static_cast<long long>(i.hidden_size));
  std::printf("ffn size:        %lld\n", static_cast<long long>(i.ffn_size));
  std::printf("heads:           %lld (kv %lld, head dim %lld)\n", static_cast<long long>(i.heads),
              static_cast<long long>(i.kv_heads), static_cast<long long>(i.head_dim));
  std::printf("tied embeddings: %s\n", i.tied_embeddings ? "yes" : "no");
  std::printf("context length:  %lld\n", static_cast<long long>(i.context_length));
  std::printf("tokenizer:       %s, vocab %d\n",
              tok.impl().model == TokenizerImpl::Model::kSpm ? "SentencePiece" : "BPE", tok.vocab_size());
  std::string eos;
  for (int32_t id : model->eos_ids()) eos += (eos.empty() ? "" : ", ") + std::to_string(id);
  std::printf("bos / eos ids:   %s / %s\n", tok.bos_id() ? std::to_string(*tok.bos_id()).c_str() : "none",
              eos.empty() ? "none" : eos.c_str());
  std::printf("chat template:   %s\n", tok.chat_template().empty() ? "no" : "yes");
}

}  // namespace

void add_info_command(CLI::App& app) {
  auto path = std::make_shared<std::string>();
  CLI::App* c = app.add_subcommand("info", "Describe a model: architecture, parameters, dtypes, tokenizer");
  c->add_option("model", *path, "Hugging Face folder or GGUF file (default: the demo model)");
  auto key = std::make_shared<KeyArgs>();
  add_key_options(c, key.get());
  c->callback([path, key] { run_info(*path, *key); });
}

}  // namespace loka::cli

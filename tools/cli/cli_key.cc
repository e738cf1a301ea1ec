// Key options (--key-file, --key-env, --passphrase) and the progress bar of the seal commands.
#include "cli_key.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "core/error.h"

namespace loka::cli {

void add_key_options(CLI::App* c, KeyArgs* k) {
  c->add_option("--key-file", k->key_file, "Key of a sealed model: a file of 32 raw bytes or 64 hex digits");
  c->add_option("--key-env", k->key_env, "Key of a sealed model: an environment variable holding 64 hex digits");
  c->add_option("--passphrase", k->passphrase,
                "Passphrase of a sealed model ('-': read a line from standard input)");
}

seal::KeySource key_source(const KeyArgs& k) {
  const int given = !k.key_file.empty() + !k.key_env.empty() + !k.passphrase.empty();
  LOKA_CHECK(given <= 1, ErrorCode::kInvalidArgument,
             "give at most one of --key-file, --key-env and --passphrase");
  if (!k.key_file.empty()) return seal::KeySource::file(k.key_file);
  if (!k.key_env.empty()) return seal::KeySource::env(k.key_env);
  if (k.passphrase == "-") {
    std::string line;
    std::getline(std::cin, line);
    LOKA_CHECK(!line.empty(), ErrorCode::kKey, "--passphrase -: standard input gave an empty line");
    return seal::KeySource::passphrase(std::move(line));
  }
  if (!k.passphrase.empty()) return seal::KeySource::passphrase(k.passphrase);
  return {};
}

void progress_bar(const char* what, double fraction) {
  if (!isatty(STDERR_FILENO)) return;
  constexpr int kWidth = 30;
  const int filled = static_cast<int>(fraction * kWidth + 0.5);
  std::fprintf(stderr, "\r%s %3.0f%% [%.*s%*s]", what, fraction * 100.0, filled,
               "==============================", kWidth - filled, "");
}

void progress_done() {
  if (isatty(STDERR_FILENO)) std::fprintf(stderr, "\r%60s\r", "");
}

}  // namespace loka::cli

// Key options of the `loka` subcommands that read or write sealed (.lks) models.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "seal/key_source.h"

namespace loka::cli {

struct KeyArgs {
  std::string key_file;    // 32 raw bytes or 64 hex digits
  std::string key_env;     // an environment variable holding 64 hex digits
  std::string passphrase;  // "-": one line from standard input
};

/// Adds --key-file, --key-env and --passphrase to `c`.
void add_key_options(CLI::App* c, KeyArgs* k);

/// The key source the options name (none when no option is given); more than one is an
/// Error(kInvalidArgument).
seal::KeySource key_source(const KeyArgs& k);

/// Draws "\r<what> 42% [=========           ]" on stderr when it is a terminal; else nothing.
void progress_bar(const char* what, double fraction);
/// Clears the bar (only on a terminal).
void progress_done();

}  // namespace loka::cli

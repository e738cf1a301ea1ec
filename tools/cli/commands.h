// Registration of the `loka` subcommands; each lives in its own cmd_*.cc file.
#pragma once

#include <CLI/CLI.hpp>

namespace loka::cli {

/// Adds `tokenize` and `detokenize`.
void add_tokenize_commands(CLI::App& app);
/// Adds `chat-template`.
void add_chat_template_command(CLI::App& app);
/// Adds `run` (generation and chat).
void add_run_command(CLI::App& app);
/// Adds `info`.
void add_info_command(CLI::App& app);
/// Adds `bench`.
void add_bench_command(CLI::App& app);
/// Adds `seal`, `unseal`, `inspect` and `keygen` (sealed .lks models).
void add_seal_commands(CLI::App& app);

}  // namespace loka::cli

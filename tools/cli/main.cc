// The `loka` command-line program: dispatches to subcommands, maps errors to exit codes.
#include <cstdio>
#include <exception>

#include <CLI/CLI.hpp>

#include "commands.h"
#include "core/error.h"

int main(int argc, char** argv) {
  CLI::App app{"loka: run large language models locally"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "loka 0.1.0");
  loka::cli::add_tokenize_commands(app);
  loka::cli::add_chat_template_command(app);
  loka::cli::add_run_command(app);
  loka::cli::add_info_command(app);
  loka::cli::add_bench_command(app);
  loka::cli::add_seal_commands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const loka::Error& e) {
    std::fprintf(stderr, "loka: error (%s): %s\n", loka::error_code_name(e.code()), e.what());
    return 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "loka: error: %s\n", e.what());
    return 1;
  }
  return 0;
}

// Small I/O helpers shared by the CLI subcommands.
#pragma once

#include <string>

namespace loka::cli {

/// The whole file as bytes; "-" reads standard input. Throws loka::Error naming the path.
std::string read_input_file(const std::string& path);

}  // namespace loka::cli

// Small I/O helpers shared by the CLI subcommands.
#include "cli_io.h"

#include <iostream>
#include <iterator>

#include "core/mapped_file.h"

namespace loka::cli {

std::string read_input_file(const std::string& path) {
  if (path == "-") {
    return std::string(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  }
  auto bytes = FileBytes::open(path, FileLoadOptions{.use_mmap = false});
  return std::string(reinterpret_cast<const char*>(bytes->data()), bytes->size());
}

}  // namespace loka::cli

// Test helpers.
#include "test_util.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "backend/registry.h"

namespace loka::test {

std::string temp_path(const std::string& name) {
  static const std::filesystem::path dir = [] {
    auto d = std::filesystem::temp_directory_path() / ("loka-tests-" + std::to_string(::getpid()));
    std::filesystem::create_directories(d);
    return d;
  }();
  return (dir / name).string();
}

void write_file(const std::string& path, const std::string& bytes) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!f) throw std::runtime_error("cannot write " + path);
}

std::string testdata_dir() {
  const std::filesystem::path p = LOKA_TESTDATA_DIR;
  return std::filesystem::is_directory(p) ? std::filesystem::canonical(p).string() : std::string();
}

std::string source_data_dir() { return std::string(LOKA_SOURCE_DIR) + "/tests/data"; }

bool have_cuda() {
  for (const DeviceDescription& d : list_devices()) {
    if (d.device.type == DeviceType::kCuda) return true;
  }
  return false;
}

std::string cuda_unavailable_reason() { return cuda_plugin_status().reason; }

}  // namespace loka::test

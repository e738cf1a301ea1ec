// Model loading for the `loka` subcommands: the bundled demo model by default, progress on a terminal.
#include "cli_model.h"

#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <vector>

#include "core/error.h"

namespace loka::cli {

std::string default_model_path() {
  namespace fs = std::filesystem;
  std::vector<fs::path> candidates;
  std::error_code ec;
  const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
  if (!ec) candidates.push_back(exe.parent_path() / "../share/loka/models/austen-6m");
  candidates.push_back(fs::path(LOKA_SOURCE_DIR) / "examples/models/austen-6m");
  std::string tried;
  for (const fs::path& p : candidates) {
    if (fs::exists(p / "config.json", ec)) return fs::weakly_canonical(p, ec).string();
    tried += (tried.empty() ? "" : ", ") + p.string();
  }
  throw Error(ErrorCode::kNotFound, "the demo model austen-6m is not in " + tried + "; pass -m MODEL");
}

std::shared_ptr<Model> load_model(const std::string& path, int threads, const KeyArgs& key,
                                  const std::string& device) {
  ModelLoadOptions options;
  options.device = device;
  options.threads = threads;
  options.key = key_source(key);
  if (isatty(STDERR_FILENO)) {
    options.progress = [](double f) { std::fprintf(stderr, "\rloading %3.0f%%", f * 100.0); };
  }
  auto model = Model::load(path.empty() ? default_model_path() : path, options);
  if (options.progress) std::fprintf(stderr, "\r             \r");
  return model;
}

}  // namespace loka::cli

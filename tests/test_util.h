// Small helpers shared by tests: temporary paths, file writing, test data.
#pragma once

#include <string>

namespace loka::test {

/// A path under a per-process temporary folder (created on first use).
std::string temp_path(const std::string& name);
void write_file(const std::string& path, const std::string& bytes);
/// ../shared/testdata relative to the repo, or "" when absent.
std::string testdata_dir();
/// tests/data in the source tree.
std::string source_data_dir();

/// Whether the CUDA plugin reports a device; why not in cuda_unavailable_reason().
bool have_cuda();
std::string cuda_unavailable_reason();

}  // namespace loka::test

/// Returns from a test case, with a warning saying why, where no CUDA device is present.
#define SKIP_WITHOUT_CUDA()                                                                 \
  if (!::loka::test::have_cuda()) {                                                         \
    WARN("skipped: no CUDA device (" << ::loka::test::cuda_unavailable_reason() << ")");    \
    return;                                                                                 \
  }

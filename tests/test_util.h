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

}  // namespace loka::test

// FileBytes: mmap and read paths agree; missing files give clear errors.
#include <catch2/catch.hpp>
#include <cstdio>
#include <fstream>
#include <string>

#include "core/error.h"
#include "core/mapped_file.h"
#include "test_util.h"

using namespace loka;

TEST_CASE("mmap and read paths expose the same bytes", "[core][mmap]") {
  const std::string path = test::temp_path("bytes.bin");
  std::string content(10000, '\0');
  for (size_t i = 0; i < content.size(); ++i) content[i] = static_cast<char>(i * 31);
  test::write_file(path, content);

  auto mapped = FileBytes::open(path, {.use_mmap = true, .hint = AccessHint::kSequential});
  auto read = FileBytes::open(path, {.use_mmap = false});
  CHECK(mapped->is_mapped());
  CHECK_FALSE(read->is_mapped());
  REQUIRE(mapped->size() == content.size());
  REQUIRE(read->size() == content.size());
  CHECK(std::string(reinterpret_cast<const char*>(mapped->data()), mapped->size()) == content);
  CHECK(std::string(reinterpret_cast<const char*>(read->data()), read->size()) == content);
  mapped->advise(4096, 100000, AccessHint::kRandom);  // clamped, no crash
  std::remove(path.c_str());
}

TEST_CASE("missing and unreadable files name the path", "[core][mmap]") {
  try {
    FileBytes::open("/nonexistent/loka/model.gguf");
    FAIL("expected an error");
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kNotFound);
    CHECK_THAT(e.what(), Catch::Contains("/nonexistent/loka/model.gguf"));
  }
  CHECK_THROWS_WITH(FileBytes::open("/tmp"), Catch::Contains("not a regular file"));
}

TEST_CASE("empty files open with size zero", "[core][mmap]") {
  const std::string path = test::temp_path("empty.bin");
  test::write_file(path, "");
  CHECK(FileBytes::open(path)->size() == 0);
  std::remove(path.c_str());
}

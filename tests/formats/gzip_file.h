// Test helpers: temporary files holding given bytes or a decompressed .gz file.
#pragma once

#include <string>
#include <string_view>

namespace loka::test {

/// A file in the temp directory, removed when this object goes away.
class TempFile {
 public:
  /// Creates a new empty file named like "loka-XXXXXX<suffix>".
  explicit TempFile(std::string_view suffix = ".bin");
  ~TempFile();
  TempFile(TempFile&& o) noexcept : path_(std::move(o.path_)) { o.path_.clear(); }
  TempFile& operator=(TempFile&&) = delete;
  TempFile(const TempFile&) = delete;

  const std::string& path() const { return path_; }
  /// Replaces the contents with `bytes`.
  void write(std::string_view bytes) const;

 private:
  std::string path_;
};

/// A temp file holding `bytes`.
TempFile temp_file_with(std::string_view bytes, std::string_view suffix = ".bin");

/// Decompresses `gz_path` (gzip) into a temp file with zlib; throws std::runtime_error
/// naming the file when it cannot be read or its gzip stream is corrupt (zlib copies a
/// file that is not gzip at all as it is).
TempFile gunzip_to_temp(const std::string& gz_path, std::string_view suffix = ".bin");

}  // namespace loka::test

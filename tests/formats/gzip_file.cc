// Temp files for tests, and gzip decompression into them with zlib.
#include "formats/gzip_file.h"

#include <unistd.h>
#include <zlib.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <stdexcept>
#include <vector>

namespace loka::test {

TempFile::TempFile(std::string_view suffix) {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "loka-XXXXXX").string() + std::string(suffix);
  std::vector<char> buf(pattern.begin(), pattern.end());
  buf.push_back('\0');
  const int fd = ::mkstemps(buf.data(), static_cast<int>(suffix.size()));
  if (fd < 0) throw std::runtime_error("cannot create temp file " + pattern);
  ::close(fd);
  path_ = buf.data();
}

TempFile::~TempFile() {
  if (!path_.empty()) std::remove(path_.c_str());
}

void TempFile::write(std::string_view bytes) const {
  std::ofstream out(path_, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write temp file " + path_);
}

TempFile temp_file_with(std::string_view bytes, std::string_view suffix) {
  TempFile f(suffix);
  f.write(bytes);
  return f;
}

TempFile gunzip_to_temp(const std::string& gz_path, std::string_view suffix) {
  std::unique_ptr<gzFile_s, int (*)(gzFile)> in(gzopen(gz_path.c_str(), "rb"), gzclose);
  if (!in) throw std::runtime_error("cannot open " + gz_path);
  TempFile f(suffix);
  std::ofstream out(f.path(), std::ios::binary | std::ios::trunc);
  std::vector<char> buf(1 << 20);
  for (;;) {
    const int n = gzread(in.get(), buf.data(), static_cast<unsigned>(buf.size()));
    if (n < 0) {
      int errnum = 0;
      throw std::runtime_error("cannot decompress " + gz_path + ": " + gzerror(in.get(), &errnum));
    }
    if (n == 0) break;
    out.write(buf.data(), n);
  }
  if (!out) throw std::runtime_error("cannot write " + f.path());
  return f;
}

}  // namespace loka::test

// Read-only bytes of a file: mmap'd (zero-copy) or read into owned memory.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

namespace loka {

enum class AccessHint { kNormal, kSequential, kRandom, kWillNeed };

struct FileLoadOptions {
  bool use_mmap = true;   // false: read() the whole file into owned memory
  bool lock = false;      // mlock the bytes (fails with kIo if the limit is too low)
  AccessHint hint = AccessHint::kNormal;  // madvise for mmap'd files
};

/// The bytes of one file, alive as long as this object is. Tensors borrowed
/// from it hold a shared_ptr to it.
class FileBytes {
 public:
  /// Throws Error(kNotFound / kIo) naming the path.
  static std::shared_ptr<FileBytes> open(const std::string& path, const FileLoadOptions& opts = {});
  /// Bytes already in memory (e.g. a decrypted model), owned by `keepalive`; `name` is
  /// what path() reports in messages.
  static std::shared_ptr<FileBytes> from_memory(const uint8_t* data, uint64_t size,
                                                std::shared_ptr<const void> keepalive, std::string name);
  ~FileBytes();
  FileBytes(const FileBytes&) = delete;
  FileBytes& operator=(const FileBytes&) = delete;

  const uint8_t* data() const { return data_; }
  uint64_t size() const { return size_; }
  const std::string& path() const { return path_; }
  bool is_mapped() const { return mapped_; }
  bool is_locked() const { return locked_; }
  /// madvise a sub-range (no-op for read files); offsets are clamped.
  void advise(uint64_t offset, uint64_t length, AccessHint hint) const;

 private:
  FileBytes() = default;
  std::string path_;
  const uint8_t* data_ = nullptr;
  uint64_t size_ = 0;
  bool mapped_ = false;
  bool locked_ = false;
  std::shared_ptr<const void> keepalive_;  // set by from_memory: the bytes are not ours to free
};

}  // namespace loka

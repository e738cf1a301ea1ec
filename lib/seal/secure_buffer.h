// Anonymous memory for decrypted model bytes: never file-backed, kept out of core dumps,
// optionally mlocked, wiped before it is returned to the OS.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace loka::seal {

class SecureBuffer {
 public:
  /// Throws Error(kOutOfMemory) if the mapping fails, Error(kIo) if `lock` and mlock fails.
  static std::shared_ptr<SecureBuffer> allocate(uint64_t size, bool lock);
  ~SecureBuffer();
  SecureBuffer(const SecureBuffer&) = delete;
  SecureBuffer& operator=(const SecureBuffer&) = delete;

  uint8_t* data() { return data_; }
  const uint8_t* data() const { return data_; }
  uint64_t size() const { return size_; }
  bool locked() const { return locked_; }

 private:
  SecureBuffer() = default;
  uint8_t* data_ = nullptr;
  uint64_t size_ = 0, mapped_ = 0;
  bool locked_ = false;
};

}  // namespace loka::seal

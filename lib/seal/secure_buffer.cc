// SecureBuffer: MAP_ANONYMOUS | MAP_PRIVATE, MADV_DONTDUMP, optional mlock, resident pages
// wiped (OPENSSL_cleanse) on free.
#include "seal/secure_buffer.h"

#include <openssl/crypto.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <string>
#include <vector>

#include "core/error.h"

namespace loka::seal {

std::shared_ptr<SecureBuffer> SecureBuffer::allocate(uint64_t size, bool lock) {
  std::shared_ptr<SecureBuffer> b(new SecureBuffer());
  const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  b->size_ = size;
  b->mapped_ = std::max<uint64_t>(page, (size + page - 1) / page * page);
  void* p = ::mmap(nullptr, b->mapped_, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (p == MAP_FAILED) {
    b->mapped_ = 0;
    throw Error(ErrorCode::kOutOfMemory,
                "cannot map " + std::to_string(size) + " bytes of memory for a decrypted model");
  }
  b->data_ = static_cast<uint8_t*>(p);
  ::madvise(p, b->mapped_, MADV_DONTDUMP);
  ::madvise(p, b->mapped_, MADV_HUGEPAGE);  // fewer page faults while chunks are written
  if (lock) {
    if (::mlock(p, b->mapped_) != 0) {
      throw Error(ErrorCode::kIo, "cannot mlock " + std::to_string(size) +
                                      " bytes for a decrypted model (check ulimit -l): " +
                                      std::strerror(errno));
    }
    b->locked_ = true;
  }
  return b;
}

namespace {

// Wipes the resident pages of a mapping. Pages never written are not resident and hold
// nothing (a device that opened the chunks itself leaves most of the buffer so); touching
// them would only fault in zero pages to overwrite.
void wipe_resident(uint8_t* data, uint64_t bytes) {
  const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  std::vector<unsigned char> resident((bytes + page - 1) / page);
  if (::mincore(data, bytes, resident.data()) != 0) {
    OPENSSL_cleanse(data, bytes);
    return;
  }
  for (uint64_t i = 0; i < resident.size();) {
    if (!(resident[i] & 1)) {
      ++i;
      continue;
    }
    uint64_t j = i;
    while (j < resident.size() && (resident[j] & 1)) ++j;
    OPENSSL_cleanse(data + i * page, std::min(bytes, j * page) - i * page);
    i = j;
  }
}

}  // namespace

SecureBuffer::~SecureBuffer() {
  if (data_ == nullptr) return;
  wipe_resident(data_, mapped_);
  if (locked_) ::munlock(data_, mapped_);
  ::munmap(data_, mapped_);
}

}  // namespace loka::seal

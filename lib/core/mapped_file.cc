// FileBytes: mmap with madvise/mlock, or a plain read path.
#include "core/mapped_file.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "core/error.h"
#include "core/tensor.h"

namespace loka {
namespace {

int madvise_flag(AccessHint hint) {
  switch (hint) {
    case AccessHint::kSequential: return MADV_SEQUENTIAL;
    case AccessHint::kRandom: return MADV_RANDOM;
    case AccessHint::kWillNeed: return MADV_WILLNEED;
    case AccessHint::kNormal: break;
  }
  return MADV_NORMAL;
}

std::string os_error(const std::string& what, const std::string& path) {
  return what + " '" + path + "': " + std::strerror(errno);
}

struct Fd {
  int fd;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

}  // namespace

std::shared_ptr<FileBytes> FileBytes::open(const std::string& path, const FileLoadOptions& opts) {
  Fd f{::open(path.c_str(), O_RDONLY | O_CLOEXEC)};
  if (f.fd < 0) {
    throw Error(errno == ENOENT ? ErrorCode::kNotFound : ErrorCode::kIo,
                os_error("cannot open", path));
  }
  struct stat st {};
  if (::fstat(f.fd, &st) != 0) throw Error(ErrorCode::kIo, os_error("cannot stat", path));
  if (!S_ISREG(st.st_mode)) {
    throw Error(ErrorCode::kIo, "'" + path + "' is not a regular file");
  }
  std::shared_ptr<FileBytes> fb(new FileBytes());
  fb->path_ = path;
  fb->size_ = static_cast<uint64_t>(st.st_size);
  if (fb->size_ == 0) return fb;

  if (opts.use_mmap) {
    void* p = ::mmap(nullptr, fb->size_, PROT_READ, MAP_PRIVATE, f.fd, 0);
    if (p == MAP_FAILED) throw Error(ErrorCode::kIo, os_error("cannot mmap", path));
    fb->data_ = static_cast<const uint8_t*>(p);
    fb->mapped_ = true;
    fb->advise(0, fb->size_, opts.hint);
  } else {
    void* p = std::aligned_alloc(kHostAlignment,
                                 (fb->size_ + kHostAlignment - 1) / kHostAlignment * kHostAlignment);
    if (p == nullptr) {
      throw Error(ErrorCode::kOutOfMemory,
                  "cannot allocate " + std::to_string(fb->size_) + " bytes to read '" + path + "'");
    }
    fb->data_ = static_cast<const uint8_t*>(p);
    uint64_t done = 0;
    while (done < fb->size_) {
      const ssize_t r = ::pread(f.fd, static_cast<uint8_t*>(p) + done, fb->size_ - done,
                                static_cast<off_t>(done));
      if (r < 0 && errno == EINTR) continue;
      if (r <= 0) throw Error(ErrorCode::kIo, os_error("cannot read", path));
      done += static_cast<uint64_t>(r);
    }
  }
  if (opts.lock) {
    if (::mlock(fb->data_, fb->size_) != 0) {
      throw Error(ErrorCode::kIo, os_error("cannot mlock (check ulimit -l)", path));
    }
    fb->locked_ = true;
  }
  return fb;
}

std::shared_ptr<FileBytes> FileBytes::from_memory(const uint8_t* data, uint64_t size,
                                                  std::shared_ptr<const void> keepalive, std::string name) {
  std::shared_ptr<FileBytes> fb(new FileBytes());
  fb->path_ = std::move(name);
  fb->data_ = size == 0 ? nullptr : data;
  fb->size_ = size;
  fb->keepalive_ = std::move(keepalive);
  return fb;
}

FileBytes::~FileBytes() {
  if (data_ == nullptr || keepalive_) return;
  if (locked_) ::munlock(data_, size_);
  if (mapped_) {
    ::munmap(const_cast<uint8_t*>(data_), size_);
  } else {
    std::free(const_cast<uint8_t*>(data_));
  }
}

void FileBytes::advise(uint64_t offset, uint64_t length, AccessHint hint) const {
  if (!mapped_ || offset >= size_) return;
  const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  const uint64_t begin = offset / page * page;
  const uint64_t end = std::min(size_, offset + std::min(length, size_ - offset));
  ::madvise(const_cast<uint8_t*>(data_) + begin, end - begin, madvise_flag(hint));
}

}  // namespace loka

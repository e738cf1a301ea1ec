// Background decryption of a sealed payload: worker threads authenticate and decrypt the
// chunks into a buffer in ascending order, or the chunks someone waits for first, so that a
// consumer (a GPU upload) can use the first bytes while the rest decrypt.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/mapped_file.h"
#include "seal/seal_crypto.h"
#include "seal/seal_header.h"
#include "seal/secure_buffer.h"

namespace loka::seal {

class ChunkDecryptor {
 public:
  /// Starts `threads` workers (0 = all cores) decrypting every chunk of `file` into `out`, or,
  /// if `on_demand`, only the chunks wait() and prefetch() ask for.
  ChunkDecryptor(std::shared_ptr<FileBytes> file, const Header& h, FileKeys keys,
                 std::shared_ptr<SecureBuffer> out, std::string path, int threads,
                 bool on_demand = false);
  /// Stops the workers (a chunk in progress finishes) and wipes the keys.
  ~ChunkDecryptor();
  ChunkDecryptor(const ChunkDecryptor&) = delete;
  ChunkDecryptor& operator=(const ChunkDecryptor&) = delete;

  /// Blocks until payload bytes [offset, offset + length) are decrypted and authenticated,
  /// their chunks first in the queue; throws the first chunk's error (Error(kIntegrity)
  /// naming it) once any chunk failed.
  void wait(uint64_t offset, uint64_t length);
  /// Puts the chunks of [offset, offset + length) ahead of the in-order queue, after what is
  /// there already, without waiting.
  void prefetch(uint64_t offset, uint64_t length);
  /// wait() for the whole payload; `progress` gets the fraction done, on the calling thread.
  void wait_all(const std::function<void(double)>& progress = {});

  /// The container (chunk i at the header's chunk_offset(i)) and the keys, for a device that
  /// opens chunks itself. The keys are secret: wipe any copy.
  const FileBytes& file() const { return *file_; }
  const FileKeys& keys() const { return keys_; }

 private:
  void work();
  bool chunks_done(uint64_t first, uint64_t last) const;  // under mu_
  bool chunk_range(uint64_t offset, uint64_t length, uint64_t& first, uint64_t& last) const;

  std::shared_ptr<FileBytes> file_;
  Header h_;
  FileKeys keys_;
  std::shared_ptr<SecureBuffer> out_;
  std::string path_;

  std::mutex mu_;
  std::condition_variable cv_;
  enum : uint8_t { kQueued, kTaken, kDone };
  std::vector<uint8_t> state_;
  std::deque<uint64_t> urgent_;
  uint64_t next_ = 0, done_ = 0;
  std::exception_ptr error_;
  bool stop_ = false;
  bool on_demand_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace loka::seal

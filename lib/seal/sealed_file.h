// Opening a sealed (.lks) container: header and key checks, then parallel authenticated
// decryption of every chunk into anonymous memory (never a file).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "seal/chunk_decryptor.h"
#include "seal/key_source.h"
#include "seal/manifest.h"
#include "seal/seal_header.h"
#include "seal/secure_buffer.h"

namespace loka::seal {

/// True when `path` is a regular file starting with the sealed magic.
bool is_sealed_file(const std::string& path);

/// The public header only (no key needed): for `loka inspect`. Throws like parse().
Header read_header(const std::string& path);

struct UnsealOptions {
  int threads = 0;    ///< 0 = all cores
  bool lock = false;  ///< mlock the decrypted bytes
  /// open_streaming only: decrypt on the host only the bytes wait() and prefetch ask for (a
  /// device opens the rest itself, from container() with cipher_key()).
  bool on_demand = false;
  std::function<void(double)> progress;  ///< fraction decrypted, called on the calling thread
};

/// A decrypted payload: the files of the manifest in one anonymous buffer.
class Unsealed {
 public:
  const std::string& path() const { return path_; }
  const Header& header() const { return header_; }
  const std::vector<ManifestEntry>& files() const { return files_; }
  /// Null when absent.
  const ManifestEntry* find(std::string_view name) const;
  std::span<const uint8_t> bytes(const ManifestEntry& e) const {
    return {buffer_->data() + e.offset, e.size};
  }
  std::string_view text(const ManifestEntry& e) const {
    return {reinterpret_cast<const char*>(buffer_->data() + e.offset), e.size};
  }
  /// Owns the bytes; hold it as long as anything borrows them.
  const std::shared_ptr<SecureBuffer>& buffer() const { return buffer_; }

  /// Throws Error(kKey) for a missing or wrong key (before anything is decrypted),
  /// Error(kIntegrity) naming the header or the chunk for damage, truncation, reordering.
  /// Every byte is decrypted and authenticated on return.
  static Unsealed open(const std::string& path, const KeySource& key, const UnsealOptions& o = {});

  /// Like open(), but returns once the key and header are checked and the manifest is
  /// decrypted: the files decrypt in the background (ascending, or what wait() asks for
  /// first). Read a file's bytes only after wait() for them; call wait_all() before the
  /// result counts as authenticated. Errors come from wait() and wait_all().
  static Unsealed open_streaming(const std::string& path, const KeySource& key,
                                 const UnsealOptions& o = {});
  /// Blocks until payload bytes [offset, offset + length) are decrypted and authenticated.
  void wait(uint64_t offset, uint64_t length) const;
  /// The same for bytes inside buffer(); bytes elsewhere (memory the caller made itself)
  /// are not the decryption's and return at once.
  void wait_bytes(const void* p, uint64_t length) const;
  /// Decrypts these bytes inside buffer() ahead of the rest, without waiting.
  void prefetch_bytes(const void* p, uint64_t length) const;
  void wait(const ManifestEntry& e) const { wait(e.offset, e.size); }
  /// Blocks until everything is decrypted and authenticated; o.progress as in open().
  void wait_all(const std::function<void(double)>& progress = {}) const;

  /// The whole container as stored (chunk i at header().chunk_offset(i)), the key of its
  /// cipher and the chunk-tag HMAC key of the SM4 suite (secret: wipe any copy), for a device
  /// that opens the chunks itself.
  std::span<const uint8_t> container() const;
  std::span<const uint8_t> cipher_key() const;
  std::span<const uint8_t> mac_key() const;

 private:
  static Unsealed start(const std::string& path, const KeySource& key, const UnsealOptions& o);
  uint64_t offset_of(const void* p, uint64_t length) const;
  bool in_payload(const void* p) const;

  std::string path_;
  Header header_;
  std::shared_ptr<SecureBuffer> buffer_;
  std::vector<ManifestEntry> files_;
  std::shared_ptr<ChunkDecryptor> decryptor_;  // the workers (all done after open())
};

}  // namespace loka::seal

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
  static Unsealed open(const std::string& path, const KeySource& key, const UnsealOptions& o = {});

 private:
  std::string path_;
  Header header_;
  std::shared_ptr<SecureBuffer> buffer_;
  std::vector<ManifestEntry> files_;
};

}  // namespace loka::seal

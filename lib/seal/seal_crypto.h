// Cipher suites of sealed files over OpenSSL 3: subkeys (HKDF), header MAC, per-chunk seal/open.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/error.h"
#include "seal/seal_header.h"

namespace loka::seal {

inline constexpr size_t kMasterKeySize = 32;

/// Bytes wiped with OPENSSL_cleanse when destroyed; never printed.
class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(size_t n) : bytes_(n, 0) {}
  ~SecretBytes();
  SecretBytes(SecretBytes&& o) noexcept : bytes_(std::move(o.bytes_)) {}
  SecretBytes& operator=(SecretBytes&& o) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;

  uint8_t* data() { return bytes_.data(); }
  const uint8_t* data() const { return bytes_.data(); }
  size_t size() const { return bytes_.size(); }
  std::span<const uint8_t> span() const { return bytes_; }

 private:
  std::vector<uint8_t> bytes_;
};

/// The keys one file uses, derived from the 32-byte master key with HKDF (see the spec).
struct FileKeys {
  SecretBytes enc;  // 32 (AES-256) or 16 (SM4) bytes
  SecretBytes mac;  // 32 bytes: header MAC, and chunk tags of the SM4 suite
  std::array<uint8_t, 16> check{};  // key check value, stored in the header
};

FileKeys derive_keys(const Header& h, std::span<const uint8_t> master);

/// HMAC-SHA256 (AES suite) or HMAC-SM3 (SM4 suite) of header bytes [0, 128).
std::array<uint8_t, 32> header_mac(const Header& h, const FileKeys& k);

/// Encrypts chunk `index` (plain.size() bytes) into `out` (same size) and writes its tag.
void seal_chunk(const Header& h, const FileKeys& k, uint64_t index, std::span<const uint8_t> plain,
                uint8_t* out, uint8_t* tag);

/// Authenticates and decrypts chunk `index` into `out`. Throws Error(kIntegrity) naming the
/// chunk and its file offset when the tag does not match; `out` is then undefined.
void open_chunk(const Header& h, const FileKeys& k, uint64_t index, std::span<const uint8_t> cipher,
                const uint8_t* tag, uint8_t* out, const std::string& what);

/// The error for chunk `index` of `what` failing authentication (kIntegrity, naming the chunk
/// and its file offset).
Error chunk_integrity_error(const Header& h, uint64_t index, const std::string& what);

/// Overwrites memory in a way the compiler keeps (OPENSSL_cleanse).
void secure_wipe(void* p, size_t n);

/// Cryptographically random bytes (RAND_bytes); throws kInternal if the generator fails.
void random_bytes(std::span<uint8_t> out);

}  // namespace loka::seal

// Where the key of a sealed file comes from: a key file, an environment variable, a passphrase
// (through the file's KDF), a callback (the host's KMS/HSM) or raw bytes.
#pragma once

#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "seal/seal_crypto.h"
#include "seal/seal_header.h"

namespace loka::seal {

/// Asked for the 32-byte master key of a file whose public header names `key_id`; fills
/// `key` and returns true, or returns false when it has no key for it.
using KeyCallback = std::function<bool(const std::string& key_id, std::span<uint8_t> key)>;

/// One key source. Copies are cheap; secrets held here are wiped on destruction.
class KeySource {
 public:
  enum class Kind { kNone, kFile, kEnv, kPassphrase, kCallback, kBytes };

  KeySource() = default;
  ~KeySource();
  KeySource(const KeySource& o);
  KeySource& operator=(const KeySource& o);

  /// A file holding the key: 32 raw bytes, or 64 hex digits (surrounding whitespace allowed).
  static KeySource file(std::string path);
  /// An environment variable holding 64 hex digits.
  static KeySource env(std::string name);
  /// A passphrase; the key is derived with the KDF the file's header names.
  static KeySource passphrase(std::string text);
  static KeySource callback(KeyCallback fn);
  /// The 32 key bytes themselves.
  static KeySource bytes(std::span<const uint8_t> key);

  Kind kind() const { return kind_; }
  explicit operator bool() const { return kind_ != Kind::kNone; }
  /// "key file 'k.bin'", "environment variable LOKA_KEY", "passphrase", ... (never the secret).
  std::string describe() const;

  /// The master key for a file with header `h` (which names the KDF and key id). Throws
  /// Error(kKey) when the source gives no usable key, naming the source but never the secret.
  SecretBytes master_key(const Header& h, const std::string& what) const;

 private:
  Kind kind_ = Kind::kNone;
  std::string value_;  // path, variable name, passphrase or raw key bytes
  KeyCallback fn_;
};

/// Passphrase -> 32-byte key with the KDF and parameters of `h` (scrypt or PBKDF2-HMAC-SHA256).
SecretBytes derive_from_passphrase(const Header& h, std::string_view passphrase);

/// Parses 32 raw bytes or 64 hex digits (whitespace around allowed) into a key; false if neither.
bool parse_key_text(std::string_view text, SecretBytes& key);

}  // namespace loka::seal

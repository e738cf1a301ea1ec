// Key providers for sealed files: key file, environment variable, passphrase KDF, callback.
#include "seal/key_source.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <cstdlib>
#include <cstring>

#include "core/error.h"
#include "core/mapped_file.h"

namespace loka::seal {
namespace {

void wipe(std::string& s) {
  if (!s.empty()) OPENSSL_cleanse(s.data(), s.size());
  s.clear();
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

bool parse_key_text(std::string_view text, SecretBytes& key) {
  key = SecretBytes(kMasterKeySize);
  if (text.size() == kMasterKeySize) {
    std::memcpy(key.data(), text.data(), kMasterKeySize);
    return true;
  }
  const auto space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  if (text.size() != 2 * kMasterKeySize) return false;
  for (size_t i = 0; i < kMasterKeySize; ++i) {
    const int hi = hex_value(text[2 * i]), lo = hex_value(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return false;
    key.data()[i] = static_cast<uint8_t>(hi * 16 + lo);
  }
  return true;
}

SecretBytes derive_from_passphrase(const Header& h, std::string_view pass) {
  SecretBytes key(kMasterKeySize);
  int ok = 0;
  if (h.kdf == Kdf::kScrypt) {
    const uint64_t n = uint64_t{1} << h.kdf_p1;
    const uint64_t maxmem = 128ull * h.kdf_p2 * (n + h.kdf_p3) + (64u << 20);
    ok = EVP_PBE_scrypt(pass.data(), pass.size(), h.kdf_salt.data(), h.kdf_salt.size(), n, h.kdf_p2,
                        h.kdf_p3, maxmem, key.data(), key.size());
  } else if (h.kdf == Kdf::kPbkdf2Sha256) {
    ok = PKCS5_PBKDF2_HMAC(pass.data(), static_cast<int>(pass.size()), h.kdf_salt.data(),
                           static_cast<int>(h.kdf_salt.size()), static_cast<int>(h.kdf_p1), EVP_sha256(),
                           static_cast<int>(key.size()), key.data());
  }
  LOKA_CHECK(ok == 1, ErrorCode::kInternal, std::string("OpenSSL: ") + kdf_name(h.kdf) + " failed");
  return key;
}

KeySource::~KeySource() { wipe(value_); }
KeySource::KeySource(const KeySource& o) : kind_(o.kind_), value_(o.value_), fn_(o.fn_) {}
KeySource& KeySource::operator=(const KeySource& o) {
  if (this != &o) {
    wipe(value_);
    kind_ = o.kind_;
    value_ = o.value_;
    fn_ = o.fn_;
  }
  return *this;
}

KeySource KeySource::file(std::string path) {
  KeySource k;
  k.kind_ = Kind::kFile;
  k.value_ = std::move(path);
  return k;
}
KeySource KeySource::env(std::string name) {
  KeySource k;
  k.kind_ = Kind::kEnv;
  k.value_ = std::move(name);
  return k;
}
KeySource KeySource::passphrase(std::string text) {
  KeySource k;
  k.kind_ = Kind::kPassphrase;
  k.value_ = std::move(text);
  wipe(text);
  return k;
}
KeySource KeySource::callback(KeyCallback fn) {
  KeySource k;
  k.kind_ = Kind::kCallback;
  k.fn_ = std::move(fn);
  return k;
}
KeySource KeySource::bytes(std::span<const uint8_t> key) {
  KeySource k;
  k.kind_ = Kind::kBytes;
  k.value_.assign(reinterpret_cast<const char*>(key.data()), key.size());
  return k;
}

std::string KeySource::describe() const {
  switch (kind_) {
    case Kind::kNone: return "no key source";
    case Kind::kFile: return "key file '" + value_ + "'";
    case Kind::kEnv: return "environment variable " + value_;
    case Kind::kPassphrase: return "passphrase";
    case Kind::kCallback: return "key callback";
    case Kind::kBytes: return "key bytes";
  }
  return "key source";
}

SecretBytes KeySource::master_key(const Header& h, const std::string& what) const {
  const std::string from = what + ": " + describe();
  SecretBytes key;
  const bool passphrase_file = h.kdf != Kdf::kNone;
  switch (kind_) {
    case Kind::kNone:
      throw Error(ErrorCode::kKey, what + ": the model is sealed (" + suite_name(h.suite) +
                                       "); give a key (key file, passphrase, key variable or callback)");
    case Kind::kPassphrase:
      LOKA_CHECK(passphrase_file, ErrorCode::kKey,
                 from + ": the file was sealed with a raw key, not a passphrase");
      return derive_from_passphrase(h, value_);
    case Kind::kFile: {
      LOKA_CHECK(!passphrase_file, ErrorCode::kKey,
                 from + ": the file was sealed with a passphrase (" + kdf_name(h.kdf) + "), not a key");
      std::shared_ptr<FileBytes> bytes;
      try {
        bytes = FileBytes::open(value_, FileLoadOptions{.use_mmap = false});
      } catch (const Error& e) {
        throw Error(ErrorCode::kKey, from + ": " + e.what());
      }
      const std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
      const bool ok = parse_key_text(text, key);
      OPENSSL_cleanse(const_cast<uint8_t*>(bytes->data()), bytes->size());
      LOKA_CHECK(ok, ErrorCode::kKey, from + ": not 32 raw bytes or 64 hex digits");
      return key;
    }
    case Kind::kEnv: {
      LOKA_CHECK(!passphrase_file, ErrorCode::kKey,
                 from + ": the file was sealed with a passphrase (" + kdf_name(h.kdf) + "), not a key");
      const char* text = std::getenv(value_.c_str());
      LOKA_CHECK(text != nullptr, ErrorCode::kKey, from + " is not set");
      LOKA_CHECK(parse_key_text(text, key), ErrorCode::kKey, from + ": not 64 hex digits");
      return key;
    }
    case Kind::kCallback: {
      key = SecretBytes(kMasterKeySize);
      bool ok = false;
      try {
        ok = fn_ && fn_(h.key_id, std::span<uint8_t>(key.data(), key.size()));
      } catch (const std::exception& e) {
        throw Error(ErrorCode::kKey, from + " threw: " + e.what());
      }
      LOKA_CHECK(ok, ErrorCode::kKey, from + " has no key for key id '" + h.key_id + "'");
      return key;
    }
    case Kind::kBytes:
      LOKA_CHECK(value_.size() == kMasterKeySize, ErrorCode::kKey,
                 from + ": " + std::to_string(value_.size()) + " bytes, a key has 32");
      key = SecretBytes(kMasterKeySize);
      std::memcpy(key.data(), value_.data(), kMasterKeySize);
      return key;
  }
  throw Error(ErrorCode::kInternal, from + ": unknown key source");
}

}  // namespace loka::seal

// Unsealed::open: header digest, key check, header MAC, then chunks decrypted in parallel.
#include "seal/sealed_file.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <fstream>

#include "core/error.h"
#include "core/mapped_file.h"
#include "seal/seal_crypto.h"

namespace loka::seal {

bool is_sealed_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[8] = {};
  return in.read(magic, 8) && has_magic(std::span(reinterpret_cast<const uint8_t*>(magic), 8));
}

Header read_header(const std::string& path) {
  auto file = FileBytes::open(path);
  return parse(std::span(file->data(), file->size()), file->size(), path);
}

const ManifestEntry* Unsealed::find(std::string_view name) const {
  for (const auto& e : files_) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

// Header, key and header-MAC checks, then the decryptor started on a fresh buffer.
Unsealed Unsealed::start(const std::string& path, const KeySource& key, const UnsealOptions& o) {
  auto file = FileBytes::open(path, FileLoadOptions{.hint = AccessHint::kSequential});
  Unsealed u;
  u.path_ = path;
  u.header_ = parse(std::span(file->data(), file->size()), file->size(), path);
  const Header& h = u.header_;

  FileKeys keys;
  {
    const SecretBytes master = key.master_key(h, path);
    keys = derive_keys(h, master.span());
  }
  LOKA_CHECK(CRYPTO_memcmp(keys.check.data(), h.key_check.data(), 16) == 0, ErrorCode::kKey,
             path + ": wrong key (" + key.describe() + ") for this sealed file" +
                 (h.key_id.empty() ? std::string() : " (key id '" + h.key_id + "')"));
  const auto mac = header_mac(h, keys);
  LOKA_CHECK(CRYPTO_memcmp(mac.data(), h.mac.data(), 32) == 0, ErrorCode::kIntegrity,
             path + ": header failed authentication (MAC at offset 144): it was altered");

  u.buffer_ = SecureBuffer::allocate(h.payload_size, o.lock);
  u.decryptor_ = std::make_shared<ChunkDecryptor>(std::move(file), h, std::move(keys), u.buffer_,
                                                  path, o.threads, o.on_demand);
  return u;
}

Unsealed Unsealed::open(const std::string& path, const KeySource& key, const UnsealOptions& o) {
  Unsealed u = start(path, key, o);
  u.wait_all(o.progress);
  u.files_ = parse_manifest(std::span(u.buffer_->data(), u.header_.payload_size), path);
  if (o.progress) o.progress(1.0);
  return u;
}

Unsealed Unsealed::open_streaming(const std::string& path, const KeySource& key,
                                  const UnsealOptions& o) {
  Unsealed u = start(path, key, o);
  const uint64_t payload = u.header_.payload_size;
  u.wait(0, std::min<uint64_t>(24, payload));
  if (payload >= 24) {
    u.wait(0, std::min(manifest_size(std::span<const uint8_t, 24>(u.buffer_->data(), 24)), payload));
  }
  u.files_ = parse_manifest(std::span(u.buffer_->data(), payload), path);
  return u;
}

void Unsealed::wait(uint64_t offset, uint64_t length) const {
  if (decryptor_) decryptor_->wait(offset, length);
}

uint64_t Unsealed::offset_of(const void* p, uint64_t length) const {
  const auto* b = static_cast<const uint8_t*>(p);
  LOKA_CHECK(b >= buffer_->data() && b + length <= buffer_->data() + header_.payload_size,
             ErrorCode::kInternal, path_ + ": bytes outside the decrypted payload");
  return static_cast<uint64_t>(b - buffer_->data());
}

bool Unsealed::in_payload(const void* p) const {
  const auto* b = static_cast<const uint8_t*>(p);
  return b >= buffer_->data() && b < buffer_->data() + header_.payload_size;
}

void Unsealed::wait_bytes(const void* p, uint64_t length) const {
  if (in_payload(p)) wait(offset_of(p, length), length);
}

void Unsealed::prefetch_bytes(const void* p, uint64_t length) const {
  if (decryptor_ && in_payload(p)) decryptor_->prefetch(offset_of(p, length), length);
}

void Unsealed::wait_all(const std::function<void(double)>& progress) const {
  if (decryptor_) decryptor_->wait_all(progress);
}

std::span<const uint8_t> Unsealed::container() const {
  return {decryptor_->file().data(), decryptor_->file().size()};
}

std::span<const uint8_t> Unsealed::cipher_key() const { return decryptor_->keys().enc.span(); }
std::span<const uint8_t> Unsealed::mac_key() const { return decryptor_->keys().mac.span(); }

}  // namespace loka::seal

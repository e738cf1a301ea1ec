// Unsealed::open: header digest, key check, header MAC, then chunks decrypted in parallel.
#include "seal/sealed_file.h"

#include <openssl/crypto.h>

#include <atomic>
#include <fstream>
#include <thread>

#include "core/error.h"
#include "core/mapped_file.h"
#include "core/thread_pool.h"
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

Unsealed Unsealed::open(const std::string& path, const KeySource& key, const UnsealOptions& o) {
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
  ThreadPool pool(o.threads);
  std::atomic<uint64_t> done{0};
  std::atomic<bool> failed{false};
  const auto caller = std::this_thread::get_id();
  pool.parallel_for(static_cast<int64_t>(h.chunk_count), 1, [&](int64_t begin, int64_t end) {
    for (int64_t i = begin; i < end && !failed.load(std::memory_order_relaxed); ++i) {
      const uint64_t n = h.chunk_plain_size(static_cast<uint64_t>(i));
      const uint8_t* c = file->data() + h.chunk_offset(static_cast<uint64_t>(i));
      try {
        open_chunk(h, keys, static_cast<uint64_t>(i), std::span(c, n), c + n,
                   u.buffer_->data() + static_cast<uint64_t>(i) * h.chunk_size(), path);
      } catch (...) {
        failed = true;
        throw;
      }
      const uint64_t d = done.fetch_add(1) + 1;
      if (o.progress && std::this_thread::get_id() == caller) {
        o.progress(static_cast<double>(d) / static_cast<double>(h.chunk_count));
      }
    }
  });
  u.files_ = parse_manifest(std::span(u.buffer_->data(), h.payload_size), path);
  if (o.progress) o.progress(1.0);
  return u;
}

}  // namespace loka::seal

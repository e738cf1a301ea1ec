// AES-256-GCM and SM4-CTR + HMAC-SM3 (encrypt-then-MAC) chunk crypto through OpenSSL 3 EVP.
#include "seal/seal_crypto.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/rand.h>

#include <climits>
#include <cstring>
#include <memory>

#include "core/error.h"
#include "seal/sm4_fast.h"

namespace loka::seal {
namespace {

struct CtxFree {
  void operator()(EVP_CIPHER_CTX* c) const { EVP_CIPHER_CTX_free(c); }
  void operator()(EVP_MAC_CTX* c) const { EVP_MAC_CTX_free(c); }
  void operator()(EVP_KDF_CTX* c) const { EVP_KDF_CTX_free(c); }
};

[[noreturn]] void fail(const char* what) {
  throw Error(ErrorCode::kInternal, std::string("OpenSSL: ") + what + " failed");
}

const char* hash_name(Suite s) { return s == Suite::kAes256Gcm ? "SHA256" : "SM3"; }

void hkdf(Suite s, std::span<const uint8_t> master, std::span<const uint8_t> salt, const char* info,
          uint8_t* out, size_t n) {
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  if (kdf == nullptr) fail("EVP_KDF_fetch(HKDF)");
  std::unique_ptr<EVP_KDF_CTX, CtxFree> ctx(EVP_KDF_CTX_new(kdf));
  EVP_KDF_free(kdf);
  if (!ctx) fail("EVP_KDF_CTX_new");
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>(hash_name(s)), 0),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, const_cast<uint8_t*>(master.data()),
                                        master.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, const_cast<uint8_t*>(salt.data()),
                                        salt.size()),
      OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, const_cast<char*>(info), strlen(info)),
      OSSL_PARAM_construct_end()};
  if (EVP_KDF_derive(ctx.get(), out, n, params) != 1) fail("HKDF");
}

// HMAC-H(key, a || b || c) with H per suite.
void hmac3(Suite s, std::span<const uint8_t> key, std::span<const uint8_t> a, std::span<const uint8_t> b,
           std::span<const uint8_t> c, uint8_t out[32]) {
  static EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);  // fetched once, kept
  if (mac == nullptr) fail("EVP_MAC_fetch(HMAC)");
  std::unique_ptr<EVP_MAC_CTX, CtxFree> ctx(EVP_MAC_CTX_new(mac));
  if (!ctx) fail("EVP_MAC_CTX_new");
  OSSL_PARAM params[] = {
      OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>(hash_name(s)), 0),
      OSSL_PARAM_construct_end()};
  size_t len = 0;
  if (EVP_MAC_init(ctx.get(), key.data(), key.size(), params) != 1 ||
      EVP_MAC_update(ctx.get(), a.data(), a.size()) != 1 ||
      EVP_MAC_update(ctx.get(), b.data(), b.size()) != 1 ||
      (!c.empty() && EVP_MAC_update(ctx.get(), c.data(), c.size()) != 1) ||
      EVP_MAC_final(ctx.get(), out, &len, 32) != 1 || len != 32) {
    fail("HMAC");
  }
}

std::array<uint8_t, 8> le64(uint64_t v) {
  std::array<uint8_t, 8> b{};
  for (int i = 0; i < 8; ++i) b[i] = static_cast<uint8_t>(v >> (8 * i));
  return b;
}

// AES-GCM: the chunk index as a 96-bit big-endian IV (the first 12 bytes). SM4-CTR: index (64-bit BE) || 0^64.
std::array<uint8_t, 16> chunk_iv(uint64_t index) {
  std::array<uint8_t, 16> iv{};
  for (int i = 0; i < 8; ++i) iv[4 + i] = static_cast<uint8_t>(index >> (56 - 8 * i));
  return iv;
}

std::array<uint8_t, 16> ctr_block(uint64_t index) {
  std::array<uint8_t, 16> iv{};
  for (int i = 0; i < 8; ++i) iv[i] = static_cast<uint8_t>(index >> (56 - 8 * i));
  return iv;
}

// Runs a cipher over `in` in pieces that fit an int length.
void crypt(EVP_CIPHER_CTX* ctx, const uint8_t* in, size_t n, uint8_t* out, bool enc) {
  while (n > 0) {
    const int piece = static_cast<int>(std::min<size_t>(n, 1u << 30));
    int len = 0;
    const int ok = enc ? EVP_EncryptUpdate(ctx, out, &len, in, piece)
                       : EVP_DecryptUpdate(ctx, out, &len, in, piece);
    if (ok != 1 || len != piece) fail("cipher update");
    in += piece;
    out += piece;
    n -= static_cast<size_t>(piece);
  }
}

// SM4-CTR of one chunk: our AES-NI S-box path when the CPU has it, else OpenSSL's.
void sm4_ctr(const FileKeys& k, uint64_t index, const uint8_t* in, uint8_t* out, size_t n, EVP_CIPHER_CTX* ctx) {
  const auto iv = ctr_block(index);
  if (sm4_fast_available()) return sm4_ctr_xor(k.enc.data(), iv.data(), in, out, n);
  if (EVP_EncryptInit_ex(ctx, EVP_sm4_ctr(), nullptr, k.enc.data(), iv.data()) != 1) fail("SM4-CTR init");
  crypt(ctx, in, n, out, true);
}

}  // namespace

Error chunk_integrity_error(const Header& h, uint64_t index, const std::string& what) {
  return Error(ErrorCode::kIntegrity,
               what + ": chunk " + std::to_string(index) + " of " + std::to_string(h.chunk_count) +
                   " (file offset " + std::to_string(h.chunk_offset(index)) +
                   ") failed authentication (damaged, tampered with, moved or from another file)");
}

SecretBytes::~SecretBytes() {
  if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
}

SecretBytes& SecretBytes::operator=(SecretBytes&& o) noexcept {
  if (this != &o) {
    if (!bytes_.empty()) OPENSSL_cleanse(bytes_.data(), bytes_.size());
    bytes_ = std::move(o.bytes_);
  }
  return *this;
}

FileKeys derive_keys(const Header& h, std::span<const uint8_t> master) {
  FileKeys k;
  k.enc = SecretBytes(enc_key_size(h.suite));
  k.mac = SecretBytes(32);
  hkdf(h.suite, master, h.file_id, "loka-seal v1 enc", k.enc.data(), k.enc.size());
  hkdf(h.suite, master, h.file_id, "loka-seal v1 mac", k.mac.data(), k.mac.size());
  hkdf(h.suite, master, h.file_id, "loka-seal v1 check", k.check.data(), k.check.size());
  return k;
}

std::array<uint8_t, 32> header_mac(const Header& h, const FileKeys& k) {
  std::array<uint8_t, 32> out{};
  hmac3(h.suite, k.mac.span(), std::span(h.raw.data(), kMacCovers), {}, {}, out.data());
  return out;
}

void seal_chunk(const Header& h, const FileKeys& k, uint64_t index, std::span<const uint8_t> plain,
                uint8_t* out, uint8_t* tag) {
  std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx(EVP_CIPHER_CTX_new());
  if (!ctx) fail("EVP_CIPHER_CTX_new");
  const auto idx = le64(index);
  if (h.suite == Suite::kAes256Gcm) {
    const auto iv = chunk_iv(index);
    int len = 0;
    if (EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, k.enc.data(), iv.data()) != 1 ||
        EVP_EncryptUpdate(ctx.get(), nullptr, &len, h.raw.data(), kHeaderSize) != 1 ||
        EVP_EncryptUpdate(ctx.get(), nullptr, &len, idx.data(), 8) != 1) {
      fail("AES-GCM init");
    }
    crypt(ctx.get(), plain.data(), plain.size(), out, true);
    if (EVP_EncryptFinal_ex(ctx.get(), out + plain.size(), &len) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, tag) != 1) {
      fail("AES-GCM final");
    }
  } else {
    sm4_ctr(k, index, plain.data(), out, plain.size(), ctx.get());
    hmac3(h.suite, k.mac.span(), h.raw, idx, std::span<const uint8_t>(out, plain.size()), tag);
  }
}

void open_chunk(const Header& h, const FileKeys& k, uint64_t index, std::span<const uint8_t> cipher,
                const uint8_t* tag, uint8_t* out, const std::string& what) {
  std::unique_ptr<EVP_CIPHER_CTX, CtxFree> ctx(EVP_CIPHER_CTX_new());
  if (!ctx) fail("EVP_CIPHER_CTX_new");
  const auto idx = le64(index);
  const auto reject = [&] { throw chunk_integrity_error(h, index, what); };
  if (h.suite == Suite::kAes256Gcm) {
    const auto iv = chunk_iv(index);
    int len = 0;
    if (EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, k.enc.data(), iv.data()) != 1 ||
        EVP_DecryptUpdate(ctx.get(), nullptr, &len, h.raw.data(), kHeaderSize) != 1 ||
        EVP_DecryptUpdate(ctx.get(), nullptr, &len, idx.data(), 8) != 1 ||
        EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, 16, const_cast<uint8_t*>(tag)) != 1) {
      fail("AES-GCM init");
    }
    crypt(ctx.get(), cipher.data(), cipher.size(), out, false);
    if (EVP_DecryptFinal_ex(ctx.get(), out + cipher.size(), &len) != 1) reject();
  } else {
    // Encrypt-then-MAC: nothing is decrypted before the tag matches (constant-time compare).
    uint8_t expect[32];
    hmac3(h.suite, k.mac.span(), h.raw, idx, cipher, expect);
    if (CRYPTO_memcmp(expect, tag, 32) != 0) reject();
    sm4_ctr(k, index, cipher.data(), out, cipher.size(), ctx.get());
  }
}

void secure_wipe(void* p, size_t n) {
  if (n > 0) OPENSSL_cleanse(p, n);
}

void random_bytes(std::span<uint8_t> out) {
  if (RAND_bytes(out.data(), static_cast<int>(out.size())) != 1) fail("RAND_bytes");
}

}  // namespace loka::seal

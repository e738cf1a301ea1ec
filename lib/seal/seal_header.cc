// Sealed container header: little-endian encoding, parsing and the checks that need no key.
#include "seal/seal_header.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cstring>

#include "core/error.h"

namespace loka::seal {
namespace {

void put_le(uint8_t* p, uint64_t v, int n) {
  for (int i = 0; i < n; ++i) p[i] = static_cast<uint8_t>(v >> (8 * i));
}

uint64_t get_le(const uint8_t* p, int n) {
  uint64_t v = 0;
  for (int i = 0; i < n; ++i) v |= static_cast<uint64_t>(p[i]) << (8 * i);
  return v;
}

std::string hex(uint64_t v) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(v));
  return buf;
}

}  // namespace

const char* suite_name(Suite s) {
  switch (s) {
    case Suite::kAes256Gcm: return "aes-256-gcm";
    case Suite::kSm4CtrHmacSm3: return "sm4-ctr+hmac-sm3";
  }
  return "unknown";
}

const char* kdf_name(Kdf k) {
  switch (k) {
    case Kdf::kNone: return "none (raw key)";
    case Kdf::kScrypt: return "scrypt";
    case Kdf::kPbkdf2Sha256: return "pbkdf2-hmac-sha256";
  }
  return "unknown";
}

int default_chunk_log2(Suite s) { return s == Suite::kSm4CtrHmacSm3 ? kSm4DefaultChunkLog2 : kDefaultChunkLog2; }

uint32_t tag_size(Suite s) { return s == Suite::kAes256Gcm ? 16 : 32; }
uint32_t enc_key_size(Suite s) { return s == Suite::kAes256Gcm ? 32 : 16; }

uint64_t Header::chunk_plain_size(uint64_t i) const {
  const uint64_t begin = i * chunk_size();
  return std::min(chunk_size(), payload_size - begin);
}

uint64_t Header::chunk_offset(uint64_t i) const {
  return kHeaderSize + i * (chunk_size() + tag_size(suite));
}

uint64_t Header::file_size() const {
  return kHeaderSize + payload_size + chunk_count * tag_size(suite);
}

void validate_fields(const Header& h, const std::string& what) {
  const auto bad = [&](const std::string& field, const std::string& why) {
    throw Error(ErrorCode::kInvalidArgument, what + ": header field '" + field + "' " + why);
  };
  if (h.suite != Suite::kAes256Gcm && h.suite != Suite::kSm4CtrHmacSm3) {
    bad("suite", "= " + std::to_string(static_cast<int>(h.suite)) + " is not a known cipher suite");
  }
  if (h.chunk_log2 < kMinChunkLog2 || h.chunk_log2 > kMaxChunkLog2) {
    bad("chunk_log2", "= " + std::to_string(h.chunk_log2) + " is outside [16, 26]");
  }
  if (h.payload_size == 0 || h.payload_size > (uint64_t{1} << 50)) {
    bad("payload_size", "= " + std::to_string(h.payload_size) + " is outside [1, 2^50]");
  }
  const uint64_t expect = (h.payload_size + h.chunk_size() - 1) / h.chunk_size();
  if (h.chunk_count != expect) {
    bad("chunk_count", "= " + std::to_string(h.chunk_count) + ", the payload size needs " +
                           std::to_string(expect));
  }
  if (h.key_id.size() > 32 || h.key_id.find('\0') != std::string::npos) {
    bad("key_id", "is longer than 32 bytes or holds a NUL byte");
  }
  switch (h.kdf) {
    case Kdf::kNone:
      if (h.kdf_p1 || h.kdf_p2 || h.kdf_p3) bad("kdf_params", "must be 0 without a KDF");
      break;
    case Kdf::kScrypt: {
      if (h.kdf_p1 < 10 || h.kdf_p1 > 22) bad("kdf_p1", "(scrypt log2 N) is outside [10, 22]");
      if (h.kdf_p2 < 1 || h.kdf_p2 > 32) bad("kdf_p2", "(scrypt r) is outside [1, 32]");
      if (h.kdf_p3 < 1 || h.kdf_p3 > 16) bad("kdf_p3", "(scrypt p) is outside [1, 16]");
      const uint64_t mem = 128ull * h.kdf_p2 * ((uint64_t{1} << h.kdf_p1) + h.kdf_p3);
      if (mem > (uint64_t{1} << 31)) bad("kdf_params", "ask scrypt for more than 2 GiB");
      break;
    }
    case Kdf::kPbkdf2Sha256:
      if (h.kdf_p1 < 1 || h.kdf_p1 > 100000000) bad("kdf_p1", "(PBKDF2 iterations) is outside [1, 1e8]");
      if (h.kdf_p2 || h.kdf_p3) bad("kdf_params", "p2 and p3 must be 0 for PBKDF2");
      break;
    default: bad("kdf", "= " + std::to_string(static_cast<int>(h.kdf)) + " is not a known KDF");
  }
}

void encode(Header& h) {
  uint8_t* p = h.raw.data();
  std::memset(p, 0, kHeaderSize);
  std::memcpy(p, kMagic, 8);
  put_le(p + 8, h.version, 2);
  put_le(p + 10, kHeaderSize, 2);
  p[12] = static_cast<uint8_t>(h.suite);
  p[13] = static_cast<uint8_t>(h.kdf);
  p[14] = static_cast<uint8_t>(h.chunk_log2);
  put_le(p + 16, h.payload_size, 8);
  put_le(p + 24, h.chunk_count, 8);
  std::memcpy(p + 32, h.file_id.data(), 16);
  std::memcpy(p + 48, h.kdf_salt.data(), 32);
  put_le(p + 80, h.kdf_p1, 4);
  put_le(p + 84, h.kdf_p2, 4);
  put_le(p + 88, h.kdf_p3, 4);
  std::memcpy(p + 96, h.key_id.data(), std::min<size_t>(h.key_id.size(), 32));
  std::memcpy(p + kCheckOffset, h.key_check.data(), 16);
  std::memcpy(p + kMacOffset, h.mac.data(), 32);
  SHA256(p, kDigestOffset, p + kDigestOffset);
}

bool has_magic(std::span<const uint8_t> bytes) {
  return bytes.size() >= 8 && std::memcmp(bytes.data(), kMagic, 8) == 0;
}

Header parse(std::span<const uint8_t> bytes, uint64_t file_size, const std::string& what) {
  LOKA_CHECK(bytes.size() >= 12, ErrorCode::kIntegrity,
             what + ": " + std::to_string(bytes.size()) + " bytes is too short for a sealed header");
  LOKA_CHECK(has_magic(bytes), ErrorCode::kIntegrity,
             what + ": header damaged or not a sealed file (bytes 0..7 are not 'LOKASEAL')");
  const uint64_t size = get_le(bytes.data() + 10, 2);
  // Every version ends its header with a SHA-256 of the bytes before it, so the digest is
  // checked before the version: a flipped version bit reads as damage, not as a new format.
  LOKA_CHECK(size >= 12 + 32 && size <= bytes.size(), ErrorCode::kIntegrity,
             what + ": header damaged (header_size " + std::to_string(size) + " at offset 10, file has " +
                 std::to_string(bytes.size()) + " bytes)");
  uint8_t digest[32];
  SHA256(bytes.data(), size - 32, digest);
  LOKA_CHECK(CRYPTO_memcmp(digest, bytes.data() + size - 32, 32) == 0, ErrorCode::kIntegrity,
             what + ": header damaged (SHA-256 digest at offset " + std::to_string(size - 32) +
                 " does not match)");
  Header h;
  h.version = static_cast<uint16_t>(get_le(bytes.data() + 8, 2));
  LOKA_CHECK(h.version == kFormatVersion && size == kHeaderSize, ErrorCode::kUnsupported,
             what + ": sealed format version " + std::to_string(h.version) +
                 " is not supported (this build reads version 1)");
  const uint8_t* p = bytes.data();
  h.suite = static_cast<Suite>(p[12]);
  h.kdf = static_cast<Kdf>(p[13]);
  h.chunk_log2 = p[14];
  h.payload_size = get_le(p + 16, 8);
  h.chunk_count = get_le(p + 24, 8);
  std::memcpy(h.file_id.data(), p + 32, 16);
  std::memcpy(h.kdf_salt.data(), p + 48, 32);
  h.kdf_p1 = static_cast<uint32_t>(get_le(p + 80, 4));
  h.kdf_p2 = static_cast<uint32_t>(get_le(p + 84, 4));
  h.kdf_p3 = static_cast<uint32_t>(get_le(p + 88, 4));
  h.key_id.assign(reinterpret_cast<const char*>(p + 96), strnlen(reinterpret_cast<const char*>(p + 96), 32));
  std::memcpy(h.key_check.data(), p + kCheckOffset, 16);
  std::memcpy(h.mac.data(), p + kMacOffset, 32);
  std::memcpy(h.raw.data(), p, kHeaderSize);
  try {
    validate_fields(h, what);
  } catch (const Error& e) {
    // The digest matched, so these bytes are as a writer made them: a format error.
    throw Error(ErrorCode::kFormat, e.what());
  }
  LOKA_CHECK(p[15] == 0 && get_le(p + 92, 4) == 0, ErrorCode::kFormat,
             what + ": reserved header bytes 15 and 92..95 must be 0");
  if (file_size != h.file_size()) {
    const uint64_t per = h.chunk_size() + tag_size(h.suite);
    const uint64_t have = file_size < kHeaderSize ? 0 : (file_size - kHeaderSize) / per;
    throw Error(ErrorCode::kIntegrity,
                what + ": file is " + std::to_string(file_size) + " bytes, the header says " +
                    std::to_string(h.file_size()) + " (" + std::to_string(h.chunk_count) +
                    " chunks); " + (file_size < h.file_size() ? "truncated in chunk " : "extra bytes after chunk ") +
                    std::to_string(file_size < h.file_size() ? have : h.chunk_count - 1) + " (" +
                    hex(file_size) + ")");
  }
  return h;
}

}  // namespace loka::seal

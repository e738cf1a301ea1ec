// The public header of a sealed (.lks) model container: layout constants, encoding and parsing.
//
// docs/sealed-format.md is the normative description; this file follows it byte for byte.
#pragma once

#include <array>
#include <cstdint>
#include <span>
#include <string>

namespace loka::seal {

inline constexpr char kMagic[8] = {'L', 'O', 'K', 'A', 'S', 'E', 'A', 'L'};
inline constexpr uint16_t kFormatVersion = 1;
inline constexpr uint32_t kHeaderSize = 208;
inline constexpr uint32_t kMacOffset = 144;     // header MAC covers [0, kMacCovers)
inline constexpr uint32_t kMacCovers = 128;
inline constexpr uint32_t kCheckOffset = 128;   // key check value
inline constexpr uint32_t kDigestOffset = 176;  // SHA-256 of [0, kDigestOffset)
inline constexpr int kMinChunkLog2 = 16;        // 64 KiB
inline constexpr int kMaxChunkLog2 = 26;        // 64 MiB
inline constexpr int kDefaultChunkLog2 = 22;    // 4 MiB (AES-256-GCM)
inline constexpr int kSm4DefaultChunkLog2 = 16; // 64 KiB: HMAC-SM3 is sequential per chunk

enum class Suite : uint8_t { kAes256Gcm = 1, kSm4CtrHmacSm3 = 2 };
enum class Kdf : uint8_t { kNone = 0, kScrypt = 1, kPbkdf2Sha256 = 2 };

/// "aes-256-gcm" / "sm4-ctr+hmac-sm3".
const char* suite_name(Suite s);
const char* kdf_name(Kdf k);
/// Bytes of the tag after each chunk: 16 (GCM) or 32 (HMAC-SM3).
uint32_t tag_size(Suite s);
/// The chunk size a suite is sealed with unless one is asked for: 4 MiB for AES-256-GCM,
/// 64 KiB for SM4-CTR + HMAC-SM3 (its tag is one sequential hash over the chunk, so small
/// chunks are what lets a GPU, or many cores, authenticate in parallel).
int default_chunk_log2(Suite s);
/// Bytes of the encryption key: 32 (AES-256) or 16 (SM4).
uint32_t enc_key_size(Suite s);

struct Header {
  uint16_t version = kFormatVersion;
  Suite suite = Suite::kAes256Gcm;
  Kdf kdf = Kdf::kNone;
  int chunk_log2 = kDefaultChunkLog2;
  uint64_t payload_size = 0;
  uint64_t chunk_count = 0;
  std::array<uint8_t, 16> file_id{};
  std::array<uint8_t, 32> kdf_salt{};
  uint32_t kdf_p1 = 0, kdf_p2 = 0, kdf_p3 = 0;
  std::string key_id;  // public label, at most 32 bytes
  std::array<uint8_t, 16> key_check{};
  std::array<uint8_t, 32> mac{};
  std::array<uint8_t, kHeaderSize> raw{};  // the bytes as stored (set by parse and encode)

  uint64_t chunk_size() const { return uint64_t{1} << chunk_log2; }
  /// Plaintext bytes of chunk i (the last one may be shorter).
  uint64_t chunk_plain_size(uint64_t i) const;
  /// File offset of chunk i's ciphertext (its tag follows it).
  uint64_t chunk_offset(uint64_t i) const;
  uint64_t file_size() const;
};

/// Checks the fields that do not need the key; throws Error(kInvalidArgument) naming the field.
void validate_fields(const Header& h, const std::string& what);

/// Writes `h` into h.raw with the given key check value and MAC; the digest is computed here.
void encode(Header& h);

/// Parses and checks the public header of a file of `file_size` bytes: magic, size, digest
/// (kIntegrity: damaged header), version (kUnsupported), fields and the file size
/// (kIntegrity: truncated or extended). `what` names the file in messages.
Header parse(std::span<const uint8_t> bytes, uint64_t file_size, const std::string& what);

/// True when `bytes` start with the magic.
bool has_magic(std::span<const uint8_t> bytes);

}  // namespace loka::seal

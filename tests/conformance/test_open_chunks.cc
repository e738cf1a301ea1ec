// Conformance of open_chunks (authenticated decryption of sealed-file chunks on a device)
// against OpenSSL, which seals the chunks here: EVP AES-256-GCM, and EVP SM4-CTR with an
// EVP_MAC HMAC-SM3 tag (encrypt-then-MAC). Plaintexts and tag verdicts for odd lengths, chunk
// indices past 2^32, AAD of several lengths; tampered, swapped and misattributed chunks fail.
// The CPU does not offer the op, and says so.
#include <openssl/core_names.h>
#include <openssl/evp.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <memory>

#include "backend/registry.h"
#include "conformance/conformance.h"
#include "core/error.h"
#include "ops/open_chunks.h"
#include "test_util.h"

using namespace loka;
using namespace loka::test;

namespace {

constexpr int64_t kSeg = ChunkOpenParams::kSegment;
constexpr ChunkCipher kCiphers[] = {ChunkCipher::kAes256Gcm, ChunkCipher::kSm4CtrHmacSm3};

const char* cipher_name(ChunkCipher c) { return c == ChunkCipher::kAes256Gcm ? "AES-256-GCM" : "SM4-CTR+HMAC-SM3"; }

std::vector<uint8_t> pattern(size_t n, uint32_t seed) {
  std::vector<uint8_t> b(n);
  uint32_t x = seed * 2654435761u + 1;
  for (auto& v : b) {
    x = x * 1664525u + 1013904223u;
    v = static_cast<uint8_t>(x >> 24);
  }
  return b;
}

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

// OpenSSL AES-256-GCM: IV 0^32 || BE64(index), AAD aad || LE64(index); the tag after the text.
std::vector<uint8_t> openssl_gcm(const uint8_t key[32], uint64_t index, const std::vector<uint8_t>& ad,
                                 const uint8_t* plain, size_t n) {
  uint8_t iv[12] = {};
  for (int i = 0; i < 8; ++i) iv[4 + i] = static_cast<uint8_t>(index >> (56 - 8 * i));
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  std::vector<uint8_t> out(n + 16);
  int len = 0;
  REQUIRE(EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key, iv) == 1);
  REQUIRE(EVP_EncryptUpdate(ctx.get(), nullptr, &len, ad.data(), static_cast<int>(ad.size())) == 1);
  REQUIRE(EVP_EncryptUpdate(ctx.get(), out.data(), &len, plain, static_cast<int>(n)) == 1);
  REQUIRE(EVP_EncryptFinal_ex(ctx.get(), out.data() + len, &len) == 1);
  REQUIRE(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, out.data() + n) == 1);
  return out;
}

// OpenSSL SM4-CTR (counter BE64(index) || 0^64) under key[0..16), then the tag
// HMAC-SM3(key[16..48), aad || LE64(index) || ciphertext) after the text.
std::vector<uint8_t> openssl_sm4(const uint8_t key[48], uint64_t index, const std::vector<uint8_t>& ad,
                                 const uint8_t* plain, size_t n) {
  uint8_t ctr[16] = {};
  for (int i = 0; i < 8; ++i) ctr[i] = static_cast<uint8_t>(index >> (56 - 8 * i));
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  std::vector<uint8_t> out(n + 32);
  int len = 0;
  REQUIRE(EVP_EncryptInit_ex(ctx.get(), EVP_sm4_ctr(), nullptr, key, ctr) == 1);
  REQUIRE(EVP_EncryptUpdate(ctx.get(), out.data(), &len, plain, static_cast<int>(n)) == 1);
  std::unique_ptr<EVP_MAC, decltype(&EVP_MAC_free)> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr), &EVP_MAC_free);
  REQUIRE(mac);
  std::unique_ptr<EVP_MAC_CTX, decltype(&EVP_MAC_CTX_free)> m(EVP_MAC_CTX_new(mac.get()), &EVP_MAC_CTX_free);
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, const_cast<char*>("SM3"), 0),
                         OSSL_PARAM_construct_end()};
  size_t tag_len = 0;
  REQUIRE(EVP_MAC_init(m.get(), key + 16, 32, params) == 1);
  REQUIRE(EVP_MAC_update(m.get(), ad.data(), ad.size()) == 1);
  REQUIRE(EVP_MAC_update(m.get(), out.data(), n) == 1);
  REQUIRE(EVP_MAC_final(m.get(), out.data() + n, &tag_len, 32) == 1);
  REQUIRE(tag_len == 32);
  return out;
}

struct Sealed {
  std::vector<uint8_t> plain, cipher;
  ChunkOpenParams params;
};

Sealed seal_run(ChunkCipher cipher, int64_t bytes, int64_t chunk_bytes, uint64_t first, size_t aad_len,
                uint32_t seed) {
  Sealed s;
  s.plain = pattern(static_cast<size_t>(bytes), seed);
  s.params.cipher = cipher;
  s.params.chunk_bytes = chunk_bytes;
  s.params.first_chunk = first;
  s.params.aad = pattern(aad_len, seed + 1);
  const auto k = pattern(48, seed + 2);
  std::copy(k.begin(), k.end(), s.params.key.begin());
  for (int64_t off = 0, j = 0; off < bytes; off += chunk_bytes, ++j) {
    std::vector<uint8_t> ad = s.params.aad;
    for (int i = 0; i < 8; ++i) ad.push_back(static_cast<uint8_t>((first + j) >> (8 * i)));
    const size_t n = static_cast<size_t>(std::min(chunk_bytes, bytes - off));
    const auto c = cipher == ChunkCipher::kAes256Gcm
                       ? openssl_gcm(s.params.key.data(), first + j, ad, s.plain.data() + off, n)
                       : openssl_sm4(s.params.key.data(), first + j, ad, s.plain.data() + off, n);
    s.cipher.insert(s.cipher.end(), c.begin(), c.end());
  }
  return s;
}

Tensor bytes_tensor(const std::vector<uint8_t>& b) {
  Tensor t = Tensor::empty(DType::kU8, {static_cast<int64_t>(b.size())});
  std::memcpy(t.data(), b.data(), b.size());
  return t;
}

// The op's arguments for opening `cipher` (plain_bytes of plaintext) with p, allocated by alloc.
template <typename Alloc>
ops::OpenChunks arguments(Alloc alloc, const std::vector<uint8_t>& cipher, int64_t plain_bytes,
                          const ChunkOpenParams& p) {
  const int64_t chunks = ops::open_chunks_count(plain_bytes, p.chunk_bytes);
  const int64_t ws = ops::open_chunks_workspace_bytes(p.cipher, chunks, p.chunk_bytes);
  ops::OpenChunks g{.ciphertext = alloc(DType::kU8, static_cast<int64_t>(cipher.size())),
                    .plaintext = alloc(DType::kU8, plain_bytes),
                    .status = alloc(DType::kI32, chunks),
                    .workspace = ws > 0 ? alloc(DType::kU8, ws) : Tensor(),
                    .params = p};
  return g;
}

struct Opened {
  std::vector<uint8_t> plain;
  std::vector<int32_t> status;
};

Opened open_on(Backend& be, const std::vector<uint8_t>& cipher, int64_t plain_bytes, const ChunkOpenParams& p) {
  const ops::OpenChunks g =
      arguments([&](DType d, int64_t n) { return be.alloc(d, {n}); }, cipher, plain_bytes, p);
  be.copy(bytes_tensor(cipher), g.ciphertext);
  ops::open_chunks(be, g);
  const int64_t chunks = g.status.dim(0);
  Opened o{std::vector<uint8_t>(static_cast<size_t>(plain_bytes)), std::vector<int32_t>(static_cast<size_t>(chunks))};
  Tensor hp = Tensor::empty(DType::kU8, {plain_bytes}), hs = Tensor::empty(DType::kI32, {chunks});
  be.copy(g.plaintext, hp);
  be.copy(g.status, hs);
  std::memcpy(o.plain.data(), hp.data(), o.plain.size());
  std::memcpy(o.status.data(), hs.data(), o.status.size() * 4);
  return o;
}

ops::OpenChunks host_arguments(const Sealed& s, int64_t bytes) {
  ops::OpenChunks g = arguments([](DType d, int64_t n) { return Tensor::empty(d, {n}); }, s.cipher, bytes, s.params);
  std::memcpy(g.ciphertext.data(), s.cipher.data(), s.cipher.size());
  return g;
}

std::vector<std::shared_ptr<Backend>> opening_backends() {
  std::vector<std::shared_ptr<Backend>> out;
  for (auto& be : conformance_backends()) {
    if (!be->device().is_host()) {
      out.push_back(be);
      continue;
    }
    for (ChunkCipher c : kCiphers) {
      const ops::OpenChunks probe = host_arguments(seal_run(c, 100, kSeg, 0, 0, 1), 100);
      CHECK_FALSE(ops::open_chunks_supported(*be, probe));
      CHECK_THROWS_MATCHES(ops::open_chunks(*be, probe), Error,
                           Catch::Matchers::Predicate<Error>(
                               [](const Error& e) { return e.code() == ErrorCode::kUnsupported; }));
    }
  }
  if (out.empty()) WARN("open_chunks: no backend here offers it (" << cuda_unavailable_reason() << ")");
  return out;
}

}  // namespace

TEST_CASE("conformance: open_chunks equals OpenSSL (AES-256-GCM, SM4-CTR + HMAC-SM3)",
          "[conformance][open_chunks]") {
  struct Case {
    int64_t bytes, chunk;
    uint64_t first;
    size_t aad;
  };
  const std::vector<Case> cases = {
      {1, kSeg, 0, 208},                       // one byte
      {15, kSeg, 3, 0},                        // one partial block, no aad
      {kSeg, kSeg, 1, 208},                    // exactly one chunk
      {kSeg + 17, kSeg, 7, 5},                 // a 17-byte last chunk
      {3 * kSeg - 5, kSeg, 0, 16},             // a last chunk 5 bytes short
      {2 * kSeg + 16, 2 * kSeg, 0, 208},       // two-segment chunks, a one-block last chunk
      {9 * kSeg + 70001, 4 * kSeg, (uint64_t{1} << 33) + 5, 208},  // last chunk of two segments, ragged
      {16 * kSeg * 4, 16 * kSeg, 12, 208},     // 1 MiB chunks, four of them
      {5 * kSeg + 46, kSeg, 2, 1},             // SM3: the last chunk's message ends 9 bytes short of a block
      {kSeg + 47, kSeg, 0, 1},                 // ... and 8 short (the length spills into a block)
      {2 * kSeg, kSeg, 0, 47},                 // ... the same for full chunks
      {2 * kSeg, kSeg, 0, 48},
      {70 * kSeg + 3, kSeg, 0, 207},           // many chunks (several tag blocks), odd aad
  };
  for (auto& be : opening_backends()) {
    for (ChunkCipher cipher : kCiphers) {
      for (const Case& c : cases) {
        const std::string name = std::string(cipher_name(cipher)) + ": " + std::to_string(c.bytes) +
                                 " bytes in chunks of " + std::to_string(c.chunk) + " from #" +
                                 std::to_string(c.first) + ", aad " + std::to_string(c.aad);
        INFO(name);
        const Sealed s = seal_run(cipher, c.bytes, c.chunk, c.first, c.aad, static_cast<uint32_t>(c.bytes));
        const Opened o = open_on(*be, s.cipher, c.bytes, s.params);
        CHECK(o.plain == s.plain);
        CHECK(o.status == std::vector<int32_t>(o.status.size(), 1));
      }
    }
  }
}

TEST_CASE("open_chunks: altered chunks fail their tags", "[conformance][open_chunks]") {
  for (auto& be : opening_backends()) {
    for (ChunkCipher cipher : kCiphers) {
      INFO(cipher_name(cipher));
      const int64_t bytes = 3 * kSeg + 100;
      const Sealed s = seal_run(cipher, bytes, kSeg, 40, 208, 9);
      const size_t stride = static_cast<size_t>(kSeg + ops::chunk_tag_bytes(cipher));
      SECTION(std::string("a flipped ciphertext bit fails that chunk only, ") + cipher_name(cipher)) {
        auto c = s.cipher;
        c[stride + 1234] ^= 0x10;
        CHECK(open_on(*be, c, bytes, s.params).status == std::vector<int32_t>{1, 0, 1, 1});
      }
      SECTION(std::string("a flipped tag bit of the short last chunk, ") + cipher_name(cipher)) {
        auto c = s.cipher;
        c.back() ^= 0x80;
        CHECK(open_on(*be, c, bytes, s.params).status == std::vector<int32_t>{1, 1, 1, 0});
      }
      SECTION(std::string("two chunks swapped, ") + cipher_name(cipher)) {
        auto c = s.cipher;
        std::swap_ranges(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(stride),
                         c.begin() + static_cast<std::ptrdiff_t>(stride));
        CHECK(open_on(*be, c, bytes, s.params).status == std::vector<int32_t>{0, 0, 1, 1});
      }
      SECTION(std::string("other chunk indices, aad or keys, ") + cipher_name(cipher)) {
        ChunkOpenParams p = s.params;
        p.first_chunk = 41;
        CHECK(open_on(*be, s.cipher, bytes, p).status == std::vector<int32_t>(4, 0));
        p = s.params;
        p.aad[100] ^= 1;
        CHECK(open_on(*be, s.cipher, bytes, p).status == std::vector<int32_t>(4, 0));
        p = s.params;
        p.key[31] ^= 1;  // AES: the key; SM4: the HMAC key
        CHECK(open_on(*be, s.cipher, bytes, p).status == std::vector<int32_t>(4, 0));
        if (cipher == ChunkCipher::kSm4CtrHmacSm3) {  // a wrong cipher key: tags match, text differs
          p = s.params;
          p.key[3] ^= 1;
          const Opened o = open_on(*be, s.cipher, bytes, p);
          CHECK(o.status == std::vector<int32_t>(4, 1));
          CHECK(o.plain != s.plain);
        }
      }
    }
  }
}

TEST_CASE("open_chunks: invalid arguments are named", "[conformance][open_chunks]") {
  for (ChunkCipher cipher : kCiphers) {
    INFO(cipher_name(cipher));
    const ops::OpenChunks g = host_arguments(seal_run(cipher, 1000, kSeg, 0, 0, 2), 1000);
    CHECK_NOTHROW(ops::open_chunks_node(g));
    const auto fails_naming = [&](const ops::OpenChunks& bad, const std::string& what) {
      CHECK_THROWS_MATCHES(ops::open_chunks_node(bad), Error,
                           Catch::Matchers::Predicate<Error>([&](const Error& e) {
                             return e.code() == ErrorCode::kInvalidArgument &&
                                    std::string(e.what()).find(what) != std::string::npos;
                           }));
    };
    ops::OpenChunks bad = g;
    bad.params.chunk_bytes = kSeg + 16;
    fails_naming(bad, "chunk_bytes");
    bad = g;
    bad.ciphertext = Tensor::empty(DType::kU8, {1000});
    fails_naming(bad, "ciphertext");
    bad = g;
    bad.status = Tensor::empty(DType::kI32, {2});
    fails_naming(bad, "status");
    bad = g;
    bad.workspace = Tensor::empty(DType::kU8, {100});
    fails_naming(bad, "workspace");
    bad = g;
    bad.params.aad.resize(300);
    fails_naming(bad, "aad");
    bad = g;
    bad.params.cipher = static_cast<ChunkCipher>(7);
    fails_naming(bad, "cipher");
  }
}

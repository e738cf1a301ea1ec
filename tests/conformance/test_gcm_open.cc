// Conformance of gcm_open (AES-256-GCM opening of sealed-file chunks on a device) against
// OpenSSL's EVP AES-256-GCM, which seals the chunks here: plaintexts and tag verdicts for
// odd lengths, chunk indices past 2^32, AAD of several lengths; tampered, swapped and
// misattributed chunks fail. The CPU does not offer the op, and says so.
#include <openssl/evp.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <memory>

#include "backend/registry.h"
#include "conformance/conformance.h"
#include "core/error.h"
#include "ops/gcm_open.h"
#include "test_util.h"

using namespace loka;
using namespace loka::test;

namespace {

constexpr int64_t kSeg = GcmOpenParams::kSegment;

std::vector<uint8_t> pattern(size_t n, uint32_t seed) {
  std::vector<uint8_t> b(n);
  uint32_t x = seed * 2654435761u + 1;
  for (auto& v : b) {
    x = x * 1664525u + 1013904223u;
    v = static_cast<uint8_t>(x >> 24);
  }
  return b;
}

// OpenSSL: chunk `index` of the sealed format (IV 0^32 || BE64(index), AAD aad || LE64(index)).
std::vector<uint8_t> openssl_seal(const std::array<uint8_t, 32>& key, uint64_t index,
                                  const std::vector<uint8_t>& aad, const uint8_t* plain, size_t n) {
  uint8_t iv[12] = {};
  for (int i = 0; i < 8; ++i) iv[4 + i] = static_cast<uint8_t>(index >> (56 - 8 * i));
  std::vector<uint8_t> ad = aad;
  for (int i = 0; i < 8; ++i) ad.push_back(static_cast<uint8_t>(index >> (8 * i)));
  std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)> ctx(EVP_CIPHER_CTX_new(),
                                                                       &EVP_CIPHER_CTX_free);
  std::vector<uint8_t> out(n + 16);
  int len = 0;
  REQUIRE(EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), iv) == 1);
  REQUIRE(EVP_EncryptUpdate(ctx.get(), nullptr, &len, ad.data(), static_cast<int>(ad.size())) == 1);
  REQUIRE(EVP_EncryptUpdate(ctx.get(), out.data(), &len, plain, static_cast<int>(n)) == 1);
  REQUIRE(EVP_EncryptFinal_ex(ctx.get(), out.data() + len, &len) == 1);
  REQUIRE(EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, 16, out.data() + n) == 1);
  return out;
}

struct Sealed {
  std::vector<uint8_t> plain, cipher;
  GcmOpenParams params;
};

Sealed seal_run(int64_t bytes, int64_t chunk_bytes, uint64_t first, size_t aad_len, uint32_t seed) {
  Sealed s;
  s.plain = pattern(static_cast<size_t>(bytes), seed);
  s.params.chunk_bytes = chunk_bytes;
  s.params.first_chunk = first;
  s.params.aad = pattern(aad_len, seed + 1);
  const auto k = pattern(32, seed + 2);
  std::copy(k.begin(), k.end(), s.params.key.begin());
  for (int64_t off = 0, j = 0; off < bytes; off += chunk_bytes, ++j) {
    const auto c = openssl_seal(s.params.key, first + j, s.params.aad, s.plain.data() + off,
                                static_cast<size_t>(std::min(chunk_bytes, bytes - off)));
    s.cipher.insert(s.cipher.end(), c.begin(), c.end());
  }
  return s;
}

Tensor bytes_tensor(const std::vector<uint8_t>& b) {
  Tensor t = Tensor::empty(DType::kU8, {static_cast<int64_t>(b.size())});
  std::memcpy(t.data(), b.data(), b.size());
  return t;
}

struct Opened {
  std::vector<uint8_t> plain;
  std::vector<int32_t> status;
};

Opened open_on(Backend& be, const std::vector<uint8_t>& cipher, int64_t plain_bytes, const GcmOpenParams& p) {
  const int64_t chunks = ops::gcm_open_chunk_count(plain_bytes, p.chunk_bytes);
  ops::GcmOpen g{.ciphertext = to_backend(be, bytes_tensor(cipher)),
                 .plaintext = be.alloc(DType::kU8, {plain_bytes}),
                 .status = be.alloc(DType::kI32, {chunks}),
                 .workspace = be.alloc(DType::kU8, {ops::gcm_open_workspace_bytes(chunks, p.chunk_bytes)}),
                 .params = p};
  ops::gcm_open(be, g);
  Opened o{std::vector<uint8_t>(static_cast<size_t>(plain_bytes)), std::vector<int32_t>(static_cast<size_t>(chunks))};
  Tensor hp = Tensor::empty(DType::kU8, {plain_bytes}), hs = Tensor::empty(DType::kI32, {chunks});
  be.copy(g.plaintext, hp);
  be.copy(g.status, hs);
  std::memcpy(o.plain.data(), hp.data(), o.plain.size());
  std::memcpy(o.status.data(), hs.data(), o.status.size() * 4);
  return o;
}

std::vector<std::shared_ptr<Backend>> gcm_backends() {
  std::vector<std::shared_ptr<Backend>> out;
  for (auto& be : conformance_backends()) {
    if (!be->device().is_host()) {
      out.push_back(be);
      continue;
    }
    const Sealed s = seal_run(100, kSeg, 0, 0, 1);
    const ops::GcmOpen probe{.ciphertext = bytes_tensor(s.cipher),
                             .plaintext = Tensor::empty(DType::kU8, {100}),
                             .status = Tensor::empty(DType::kI32, {1}),
                             .workspace = Tensor::empty(DType::kU8, {ops::gcm_open_workspace_bytes(1, kSeg)}),
                             .params = s.params};
    CHECK_FALSE(ops::gcm_open_supported(*be, probe));
    CHECK_THROWS_MATCHES(ops::gcm_open(*be, probe), Error,
                         Catch::Matchers::Predicate<Error>(
                             [](const Error& e) { return e.code() == ErrorCode::kUnsupported; }));
  }
  if (out.empty()) WARN("gcm_open: no backend here offers it (" << cuda_unavailable_reason() << ")");
  return out;
}

}  // namespace

TEST_CASE("conformance: gcm_open equals OpenSSL AES-256-GCM", "[conformance][gcm_open]") {
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
  };
  for (auto& be : gcm_backends()) {
    for (const Case& c : cases) {
      const std::string name = std::to_string(c.bytes) + " bytes in chunks of " + std::to_string(c.chunk) +
                               " from #" + std::to_string(c.first) + ", aad " + std::to_string(c.aad);
      INFO(name);
      const Sealed s = seal_run(c.bytes, c.chunk, c.first, c.aad, static_cast<uint32_t>(c.bytes));
      const Opened o = open_on(*be, s.cipher, c.bytes, s.params);
      CHECK(o.plain == s.plain);
      CHECK(o.status == std::vector<int32_t>(o.status.size(), 1));
    }
  }
}

TEST_CASE("gcm_open: altered chunks fail their tags", "[conformance][gcm_open]") {
  for (auto& be : gcm_backends()) {
    const int64_t bytes = 3 * kSeg + 100;
    const Sealed s = seal_run(bytes, kSeg, 40, 208, 9);
    const size_t stride = kSeg + 16;
    SECTION("a flipped ciphertext bit fails that chunk only") {
      auto c = s.cipher;
      c[stride + 1234] ^= 0x10;
      CHECK(open_on(*be, c, bytes, s.params).status == std::vector<int32_t>{1, 0, 1, 1});
    }
    SECTION("a flipped tag bit of the short last chunk") {
      auto c = s.cipher;
      c.back() ^= 0x80;
      CHECK(open_on(*be, c, bytes, s.params).status == std::vector<int32_t>{1, 1, 1, 0});
    }
    SECTION("two chunks swapped") {
      auto c = s.cipher;
      std::swap_ranges(c.begin(), c.begin() + static_cast<std::ptrdiff_t>(stride),
                       c.begin() + static_cast<std::ptrdiff_t>(stride));
      CHECK(open_on(*be, c, bytes, s.params).status == std::vector<int32_t>{0, 0, 1, 1});
    }
    SECTION("other chunk indices, aad or key") {
      GcmOpenParams p = s.params;
      p.first_chunk = 41;
      CHECK(open_on(*be, s.cipher, bytes, p).status == std::vector<int32_t>(4, 0));
      p = s.params;
      p.aad[100] ^= 1;
      CHECK(open_on(*be, s.cipher, bytes, p).status == std::vector<int32_t>(4, 0));
      p = s.params;
      p.key[31] ^= 1;
      CHECK(open_on(*be, s.cipher, bytes, p).status == std::vector<int32_t>(4, 0));
    }
  }
}

TEST_CASE("gcm_open: invalid arguments are named", "[conformance][gcm_open]") {
  const Sealed s = seal_run(1000, kSeg, 0, 0, 2);
  ops::GcmOpen g{.ciphertext = bytes_tensor(s.cipher),
                 .plaintext = Tensor::empty(DType::kU8, {1000}),
                 .status = Tensor::empty(DType::kI32, {1}),
                 .workspace = Tensor::empty(DType::kU8, {ops::gcm_open_workspace_bytes(1, kSeg)}),
                 .params = s.params};
  CHECK_NOTHROW(ops::gcm_open_node(g));
  const auto fails_naming = [&](const ops::GcmOpen& bad, const std::string& what) {
    CHECK_THROWS_MATCHES(ops::gcm_open_node(bad), Error,
                         Catch::Matchers::Predicate<Error>([&](const Error& e) {
                           return e.code() == ErrorCode::kInvalidArgument &&
                                  std::string(e.what()).find(what) != std::string::npos;
                         }));
  };
  ops::GcmOpen bad = g;
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
}

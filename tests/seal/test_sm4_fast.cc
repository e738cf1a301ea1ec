// The AES-NI SM4-CTR against OpenSSL's EVP sm4-ctr (the oracle) and the GB/T 32907 vector.
#include <catch2/catch.hpp>
#include <cstring>

#include <openssl/evp.h>

#include <random>
#include <vector>

#include "seal/sm4_fast.h"

using namespace loka::seal;

namespace {

std::vector<uint8_t> evp_sm4(const EVP_CIPHER* cipher, const uint8_t* key, const uint8_t* iv,
                             const std::vector<uint8_t>& in) {
  std::vector<uint8_t> out(in.size() + 16);
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  int len = 0, fin = 0;
  REQUIRE(EVP_EncryptInit_ex(ctx, cipher, nullptr, key, iv) == 1);
  EVP_CIPHER_CTX_set_padding(ctx, 0);
  REQUIRE(EVP_EncryptUpdate(ctx, out.data(), &len, in.data(), static_cast<int>(in.size())) == 1);
  REQUIRE(EVP_EncryptFinal_ex(ctx, out.data() + len, &fin) == 1);
  EVP_CIPHER_CTX_free(ctx);
  out.resize(static_cast<size_t>(len + fin));
  return out;
}

}  // namespace

TEST_CASE("sm4 fast: CTR equals OpenSSL EVP sm4-ctr", "[seal][sm4]") {
  if (!sm4_fast_available()) {
    WARN("no AES-NI/SSSE3 on this CPU: the fast SM4 path is not used here");
    return;
  }
  // GB/T 32907-2016 example 1 through CTR: keystream of counter = P is E(P).
  const uint8_t kv[16] = {0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef,
                          0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10};
  const uint8_t want[16] = {0x68, 0x1e, 0xdf, 0x34, 0xd2, 0x06, 0x96, 0x5e,
                            0x86, 0xb3, 0xe9, 0x4f, 0x53, 0x6e, 0x42, 0x46};
  uint8_t zero[16] = {}, got[16];
  sm4_ctr_xor(kv, kv, zero, got, 16);
  CHECK(std::vector<uint8_t>(got, got + 16) == std::vector<uint8_t>(want, want + 16));

  std::mt19937 rng(5);
  for (size_t n : {size_t{1}, size_t{15}, size_t{16}, size_t{127}, size_t{128}, size_t{129}, size_t{1000},
                   size_t{65536 + 7}}) {
    std::vector<uint8_t> in(n);
    for (auto& b : in) b = static_cast<uint8_t>(rng());
    uint8_t key[16], iv[16];
    for (auto& b : key) b = static_cast<uint8_t>(rng());
    for (auto& b : iv) b = static_cast<uint8_t>(rng());
    if (n == 1000) std::memset(iv + 8, 0xff, 8);  // carry into the high 64 bits
    if (n == 129) std::memset(iv, 0xff, 16);       // wrap of the whole 128-bit counter
    std::vector<uint8_t> out(n);
    sm4_ctr_xor(key, iv, in.data(), out.data(), n);
    INFO("n = " << n);
    CHECK(out == evp_sm4(EVP_sm4_ctr(), key, iv, in));
    sm4_ctr_xor(key, iv, out.data(), out.data(), n);  // in place, and its own inverse
    CHECK(out == in);
  }
}

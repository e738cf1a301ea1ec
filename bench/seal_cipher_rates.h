// Per-core throughput of the sealed-model ciphers against OpenSSL's EVP primitives, printed
// as a table: shared by bench_sealed and bench_seal_ciphers (which builds with lib/seal and
// OpenSSL alone, so this header needs nothing else).
#pragma once

#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <functional>
#include <span>
#include <vector>

#include "seal/seal_crypto.h"
#include "seal/sm4_fast.h"

namespace loka::bench {

/// MB/s of one thread running `f` over an `n`-byte buffer, best of `reps`.
inline double single_thread_mbps(size_t n, int reps, const std::function<void()>& f) {
  double best = 1e30;
  for (int r = 0; r < reps; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    f();
    best = std::min(best, std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  return n / best / 1e6;
}

/// One thread, `n`-byte buffers: OpenSSL EVP sm4-ctr / sm3 / aes-256-gcm, our SM4-CTR, and
/// open_chunk (authenticate + decrypt) of each suite.
inline void print_cipher_rates_per_core(size_t n) {
  std::vector<uint8_t> in(n, 7), out(n + 64);
  uint8_t key[32] = {1}, iv[16] = {2}, tag[32];
  const auto evp = [&](const EVP_CIPHER* c) {
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    int len = 0;
    EVP_EncryptInit_ex(ctx, c, nullptr, key, iv);
    EVP_EncryptUpdate(ctx, out.data(), &len, in.data(), static_cast<int>(n));
    EVP_EncryptFinal_ex(ctx, out.data() + len, &len);
    EVP_CIPHER_CTX_free(ctx);
  };
  const auto mbps = [&](const std::function<void()>& f) { return single_thread_mbps(n, 5, f); };
  std::printf("per-core throughput, one thread, %zu MiB buffers (MB/s):\n", n >> 20);
  std::printf("  OpenSSL EVP sm4-ctr            %8.1f\n", mbps([&] { evp(EVP_sm4_ctr()); }));
  if (seal::sm4_fast_available()) {
    std::printf("  loka sm4_ctr_xor (AES-NI sbox) %8.1f\n",
                mbps([&] { seal::sm4_ctr_xor(key, iv, in.data(), out.data(), n); }));
  }
  std::printf("  OpenSSL EVP sm3 (digest)       %8.1f\n", mbps([&] {
                unsigned int len = 0;
                EVP_Digest(in.data(), n, tag, &len, EVP_sm3(), nullptr);
              }));
  std::printf("  OpenSSL EVP aes-256-gcm        %8.1f\n", mbps([&] { evp(EVP_aes_256_gcm()); }));
  for (seal::Suite s : {seal::Suite::kSm4CtrHmacSm3, seal::Suite::kAes256Gcm}) {
    seal::Header h;
    h.suite = s;
    h.payload_size = n;
    h.chunk_count = 1;
    seal::encode(h);
    const std::vector<uint8_t> master(32, 3);
    const seal::FileKeys k = seal::derive_keys(h, master);
    seal::seal_chunk(h, k, 0, in, out.data(), tag);
    std::vector<uint8_t> plain(n);
    std::printf("  loka open_chunk %-16s %8.1f  (authenticate + decrypt)\n", seal::suite_name(s),
                mbps([&] { seal::open_chunk(h, k, 0, std::span(out.data(), n), tag, plain.data(), "bench"); }));
  }
}

}  // namespace loka::bench

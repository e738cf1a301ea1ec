// Throughput of the sealed-model chunk ciphers across threads (authenticate + decrypt of
// 4 MiB chunks, each thread on its own chunks), and per core against OpenSSL's EVP.
// Needs only lib/seal, lib/core/error.cc and OpenSSL, so it also builds on a host without
// loka's other dependencies:
//   c++ -O3 -std=c++20 -Ilib bench/bench_seal_ciphers.cc lib/seal/seal_header.cc \
//       lib/seal/seal_crypto.cc lib/seal/sm4_fast.cc lib/core/error.cc -lcrypto -pthread
#include <openssl/evp.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <thread>
#include <vector>

#include "seal/seal_crypto.h"
#include "seal/sm4_fast.h"

using namespace loka::seal;

namespace {

double seconds(const std::function<void()>& f) {
  const auto t0 = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

}  // namespace

int main(int argc, char** argv) {
  const size_t n = size_t{4} << 20;
  const int per_thread = argc > 1 ? std::atoi(argv[1]) : 16;  // chunks per thread
  const unsigned hw = std::thread::hardware_concurrency();
  std::vector<uint8_t> in(n, 7), out(n + 64);
  uint8_t key[32] = {1}, iv[16] = {2}, tag[32];
  const auto evp = [&](const EVP_CIPHER* c) {
    EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
    int len = 0;
    EVP_EncryptInit_ex(ctx, c, nullptr, key, iv);
    EVP_EncryptUpdate(ctx, out.data(), &len, in.data(), static_cast<int>(n));
    EVP_CIPHER_CTX_free(ctx);
  };
  const auto mbps = [&](const std::function<void()>& f) {
    double best = 1e30;
    for (int r = 0; r < 5; ++r) best = std::min(best, seconds(f));
    return n / best / 1e6;
  };
  std::printf("%u hardware threads; one thread, 4 MiB (MB/s):\n", hw);
  std::printf("  OpenSSL EVP sm4-ctr      %8.1f\n", mbps([&] { evp(EVP_sm4_ctr()); }));
  if (sm4_fast_available()) {
    std::printf("  loka sm4_ctr_xor         %8.1f\n", mbps([&] { sm4_ctr_xor(key, iv, in.data(), out.data(), n); }));
  }
  std::printf("  OpenSSL EVP sm3          %8.1f\n", mbps([&] {
                unsigned int len = 0;
                EVP_Digest(in.data(), n, tag, &len, EVP_sm3(), nullptr);
              }));
  std::printf("  OpenSSL EVP aes-256-gcm  %8.1f\n", mbps([&] { evp(EVP_aes_256_gcm()); }));

  std::printf("\nopen_chunk (verify + decrypt), GB/s over all threads:\n%-8s", "threads");
  for (Suite s : {Suite::kAes256Gcm, Suite::kSm4CtrHmacSm3}) std::printf(" %18s", suite_name(s));
  std::printf("\n");
  for (unsigned t = 1; t <= hw; t *= 2) {
    std::printf("%-8u", t);
    for (Suite s : {Suite::kAes256Gcm, Suite::kSm4CtrHmacSm3}) {
      Header h;
      h.suite = s;
      h.payload_size = n;
      h.chunk_count = 1;
      encode(h);
      const std::vector<uint8_t> master(32, 3);
      const FileKeys k = derive_keys(h, master);
      std::vector<uint8_t> sealed(n), tg(32);
      seal_chunk(h, k, 0, in, sealed.data(), tg.data());
      const double sec = seconds([&] {
        std::vector<std::thread> pool;
        for (unsigned i = 0; i < t; ++i) {
          pool.emplace_back([&] {
            std::vector<uint8_t> plain(n);
            for (int c = 0; c < per_thread; ++c) open_chunk(h, k, 0, sealed, tg.data(), plain.data(), "bench");
          });
        }
        for (auto& th : pool) th.join();
      });
      std::printf(" %18.2f", static_cast<double>(n) * per_thread * t / sec / 1e9);
    }
    std::printf("\n");
    if (t < hw && t * 2 > hw) t = hw / 2;  // end on hw
  }
  return 0;
}

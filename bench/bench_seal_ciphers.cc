// Throughput of the sealed-model chunk ciphers across threads (authenticate + decrypt of
// 4 MiB chunks, each thread on its own chunks), and per core against OpenSSL's EVP.
// Needs only lib/seal, lib/core/error.cc and OpenSSL, so it also builds on a host without
// loka's other dependencies:
//   c++ -O3 -std=c++20 -Ilib bench/bench_seal_ciphers.cc lib/seal/seal_header.cc \
//       lib/seal/seal_crypto.cc lib/seal/sm4_fast.cc lib/core/error.cc -lcrypto -pthread
#include <chrono>
#include <cstdio>
#include <functional>
#include <thread>
#include <vector>

#include "seal/seal_crypto.h"
#include "seal_cipher_rates.h"

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
  std::printf("%u hardware threads\n", hw);
  loka::bench::print_cipher_rates_per_core(n);
  const std::vector<uint8_t> in(n, 7);

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

// Sealed-model load time (plaintext mmap / read vs AES-256-GCM vs SM4-CTR+HMAC-SM3) and the
// per-core throughput of the chunk ciphers against OpenSSL's EVP primitives.
//
//   bench_sealed [MODEL] [WORK_DIR] [REPS]   (MODEL: a HF folder or GGUF file; default
//   /tmp/bench-1b-f16, the 1.5B model of tools/make_bench_model.py)
// Load time = Model::load + one decode step (so that mmap'd weights are paged in too), page
// cache warm, best of REPS. Sealed containers are written to WORK_DIR and removed at the end.
#include <openssl/evp.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "models/model.h"
#include "seal/seal_crypto.h"
#include "seal/seal_writer.h"
#include "seal/sealed_file.h"
#include "seal/sm4_fast.h"

using namespace loka;
using Clock = std::chrono::steady_clock;

namespace {

double seconds(const std::function<void()>& f) {
  const auto t0 = Clock::now();
  f();
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double best_of(int reps, const std::function<void()>& f) {
  double best = 1e30;
  for (int r = 0; r < reps; ++r) best = std::min(best, seconds(f));
  return best;
}

double load_once(const std::string& path, ModelLoadOptions o) {
  return seconds([&] {
    auto m = Model::load(path, o);
    auto cache = m->new_cache(8);
    const int32_t t = 1;
    m->forward({&t, 1}, *cache);
  });
}

// MB/s of one thread running `f` over a `n`-byte buffer.
double mbps(size_t n, int reps, const std::function<void()>& f) { return n / best_of(reps, f) / 1e6; }

void cipher_throughput() {
  const size_t n = size_t{4} << 20;  // one default chunk
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
  const auto sm3 = [&] {
    unsigned int len = 0;
    EVP_Digest(in.data(), n, tag, &len, EVP_sm3(), nullptr);
  };
  std::printf("\nper-core throughput, one thread, 4 MiB buffers (MB/s):\n");
  std::printf("  OpenSSL EVP sm4-ctr            %8.1f\n", mbps(n, 5, [&] { evp(EVP_sm4_ctr()); }));
  if (seal::sm4_fast_available()) {
    std::printf("  loka sm4_ctr_xor (AES-NI sbox) %8.1f\n",
                mbps(n, 5, [&] { seal::sm4_ctr_xor(key, iv, in.data(), out.data(), n); }));
  }
  std::printf("  OpenSSL EVP sm3 (digest)       %8.1f\n", mbps(n, 5, sm3));
  std::printf("  OpenSSL EVP aes-256-gcm        %8.1f\n", mbps(n, 5, [&] { evp(EVP_aes_256_gcm()); }));
  for (seal::Suite s : {seal::Suite::kSm4CtrHmacSm3, seal::Suite::kAes256Gcm}) {
    seal::Header h;
    h.suite = s;
    h.payload_size = n;
    h.chunk_count = 1;
    seal::encode(h);
    std::vector<uint8_t> master(32, 3);
    const seal::FileKeys k = seal::derive_keys(h, master);
    seal::seal_chunk(h, k, 0, in, out.data(), tag);
    std::vector<uint8_t> plain(n);
    std::printf("  loka open_chunk %-16s %8.1f  (authenticate + decrypt)\n", seal::suite_name(s),
                mbps(n, 5, [&] { seal::open_chunk(h, k, 0, std::span(out.data(), n), tag, plain.data(), "bench"); }));
  }
}

}  // namespace

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  const std::string model = argc > 1 ? argv[1] : "/tmp/bench-1b-f16";
  const std::string work = argc > 2 ? argv[2] : "/tmp/loka-bench-sealed";
  const int reps = argc > 3 ? std::atoi(argv[3]) : 3;
  const unsigned cores = std::thread::hardware_concurrency();
  cipher_throughput();
  if (!fs::exists(model)) {
    std::printf("\n%s not found: load times skipped (make it with tools/make_bench_model.py)\n", model.c_str());
    return 0;
  }
  fs::create_directories(work);
  const std::vector<uint8_t> key(32, 0x5a);
  const seal::KeySource ks = seal::KeySource::bytes(key);
  std::printf("\nmodel %s, %u hardware threads, best of %d (page cache warm)\n", model.c_str(), cores, reps);
  struct Case {
    const char* name;
    std::string path;
    ModelLoadOptions o;
  };
  std::vector<Case> cases;
  cases.push_back({"plaintext, mmap", model, {}});
  cases.push_back({"plaintext, read()", model, {}});
  cases.back().o.use_mmap = false;
  for (seal::Suite s : {seal::Suite::kAes256Gcm, seal::Suite::kSm4CtrHmacSm3}) {
    const std::string out = work + "/" + (s == seal::Suite::kAes256Gcm ? "aes" : "sm4") + ".lks";
    seal::SealOptions so;
    so.suite = s;
    const double t = seconds([&] { seal::seal_model(model, out, ks, so); });
    std::printf("sealed with %-18s in %6.2f s\n", seal::suite_name(s), t);
    cases.push_back({seal::suite_name(s), out, {}});
    cases.back().o.key = ks;
  }
  double plain = 0;
  std::printf("\n%-20s %10s %10s\n", "load + 1 token", "seconds", "x mmap");
  for (Case& c : cases) {
    double best = 1e30;
    for (int r = 0; r < reps; ++r) best = std::min(best, load_once(c.path, c.o));
    if (plain == 0) plain = best;
    std::printf("%-20s %10.3f %10.2f\n", c.name, best, best / plain);
  }
  std::printf("\n%-20s %10s %10s\n", "decrypt only", "seconds", "GB/s");
  for (Case& c : cases) {
    if (!c.o.key) continue;
    uint64_t bytes = 0;
    const double t = best_of(reps, [&] {
      const auto u = seal::Unsealed::open(c.path, c.o.key, {});
      bytes = u.header().payload_size;
    });
    std::printf("%-20s %10.3f %10.2f\n", c.name, t, bytes / t / 1e9);
  }
  fs::remove_all(work);
  return 0;
}

// Sealed-model load time (plaintext mmap / read vs AES-256-GCM vs SM4-CTR+HMAC-SM3) and the
// per-core throughput of the chunk ciphers against OpenSSL's EVP primitives.
//
//   bench_sealed [MODEL] [WORK_DIR] [REPS] [DEVICE]   (MODEL: a HF folder or GGUF file;
//   default /tmp/bench-1b-f16, the 1.5B model of tools/make_bench_model.py; DEVICE: where the
//   model loads, "cpu" (default) or "cuda:N")
// Load time = Model::load + one decode step (so that mmap'd weights are paged in too), page
// cache warm, best of REPS. Sealed containers are written to WORK_DIR and removed at the end.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "models/model.h"
#include "seal_cipher_rates.h"
#include "seal/seal_writer.h"
#include "seal/sealed_file.h"

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

}  // namespace

int main(int argc, char** argv) {
  namespace fs = std::filesystem;
  const std::string model = argc > 1 ? argv[1] : "/tmp/bench-1b-f16";
  const std::string work = argc > 2 ? argv[2] : "/tmp/loka-bench-sealed";
  const int reps = argc > 3 ? std::atoi(argv[3]) : 3;
  const std::string device = argc > 4 ? argv[4] : "cpu";
  const unsigned cores = std::thread::hardware_concurrency();
  std::printf("\n");
  bench::print_cipher_rates_per_core(size_t{4} << 20);  // one default chunk
  if (!fs::exists(model)) {
    std::printf("\n%s not found: load times skipped (make it with tools/make_bench_model.py)\n", model.c_str());
    return 0;
  }
  fs::create_directories(work);
  const std::vector<uint8_t> key(32, 0x5a);
  const seal::KeySource ks = seal::KeySource::bytes(key);
  std::printf("\nmodel %s on %s, %u hardware threads, best of %d (page cache warm)\n", model.c_str(),
              device.c_str(), cores, reps);
  struct Case {
    const char* name;
    std::string path;
    ModelLoadOptions o;
  };
  std::vector<Case> cases;
  ModelLoadOptions on_device;
  on_device.device = device;
  cases.push_back({"plaintext, mmap", model, on_device});
  cases.push_back({"plaintext, read()", model, on_device});
  cases.back().o.use_mmap = false;
  for (seal::Suite s : {seal::Suite::kAes256Gcm, seal::Suite::kSm4CtrHmacSm3}) {
    const std::string out = work + "/" + (s == seal::Suite::kAes256Gcm ? "aes" : "sm4") + ".lks";
    seal::SealOptions so;
    so.suite = s;
    const double t = seconds([&] { seal::seal_model(model, out, ks, so); });
    std::printf("sealed with %-18s in %6.2f s\n", seal::suite_name(s), t);
    cases.push_back({seal::suite_name(s), out, on_device});
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

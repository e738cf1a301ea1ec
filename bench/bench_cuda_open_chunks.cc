// GPU decryption throughput of sealed chunks: open_chunks (authenticate + decrypt) over 1 GiB
// of chunks in device memory, sealed here by lib/seal's seal_chunk (OpenSSL, and our SM4 for
// the SM4 suite), as GB/s of plaintext and as a fraction of the device copy bandwidth.
// Usage: bench_cuda_open_chunks [aes|sm4] [DEVICE=cuda:0] [MIB=1024] [CHUNK_LOG2=suite default]
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "backend/registry.h"
#include "cuda_roofline.h"
#include "models/device_chunk_opener.h"
#include "ops/open_chunks.h"
#include "seal/seal_crypto.h"
#include "seal/seal_header.h"

using namespace loka;

int main(int argc, char** argv) {
  const std::string suite = argc > 1 ? argv[1] : "aes";
  const std::string device = argc > 2 ? argv[2] : "cuda:0";
  const int64_t mib = argc > 3 ? std::stoll(argv[3]) : 1024;
  try {
    LOKA_CHECK(suite == "aes" || suite == "sm4", ErrorCode::kInvalidArgument, "suite '" + suite + "': aes or sm4");
    const std::shared_ptr<Backend> be = create_backend(parse_device(device));
    seal::Header h;
    h.suite = suite == "aes" ? seal::Suite::kAes256Gcm : seal::Suite::kSm4CtrHmacSm3;
    h.chunk_log2 = argc > 4 ? std::stoi(argv[4]) : seal::default_chunk_log2(h.suite);
    h.payload_size = static_cast<uint64_t>(mib) << 20;
    h.chunk_count = (h.payload_size + h.chunk_size() - 1) / h.chunk_size();
    seal::FileKeys keys;
    keys.enc = seal::SecretBytes(seal::enc_key_size(h.suite));
    keys.mac = seal::SecretBytes(32);
    seal::random_bytes(std::span(keys.enc.data(), keys.enc.size()));
    seal::random_bytes(std::span(keys.mac.data(), keys.mac.size()));
    seal::random_bytes(h.raw);

    // Plaintext and its sealed form (chunks sealed on all cores).
    const int64_t bytes = static_cast<int64_t>(h.payload_size), chunks = static_cast<int64_t>(h.chunk_count);
    const int64_t c = static_cast<int64_t>(h.chunk_size()), tag = seal::tag_size(h.suite);
    Tensor plain = Tensor::empty(DType::kU8, {bytes});
    Tensor stored = Tensor::empty(DType::kU8, {bytes + tag * chunks});
    std::mt19937_64 rng(7);
    for (int64_t i = 0; i < bytes / 8; ++i) reinterpret_cast<uint64_t*>(plain.data())[i] = rng();
    std::vector<std::thread> workers;
    const unsigned threads = std::max(1u, std::thread::hardware_concurrency());
    for (unsigned t = 0; t < threads; ++t) {
      workers.emplace_back([&, t] {
        for (int64_t j = t; j < chunks; j += threads) {
          const int64_t n = std::min(c, bytes - j * c);
          uint8_t* out = stored.data_as<uint8_t>() + j * (c + tag);
          seal::seal_chunk(h, keys, static_cast<uint64_t>(j),
                           std::span(plain.data_as<const uint8_t>() + j * c, static_cast<size_t>(n)), out, out + n);
        }
      });
    }
    for (auto& w : workers) w.join();

    ops::OpenChunks g{.ciphertext = be->alloc(DType::kU8, {stored.dim(0)}),
                      .plaintext = be->alloc(DType::kU8, {bytes}),
                      .status = be->alloc(DType::kI32, {chunks}),
                      .params = sealed_chunk_params(h, 0, keys.enc.span(), keys.mac.span())};
    const int64_t ws = ops::open_chunks_workspace_bytes(g.params.cipher, chunks, c);
    if (ws > 0) g.workspace = be->alloc(DType::kU8, {ws});
    be->copy(stored, g.ciphertext);

    double best = 1e30;
    for (int rep = 0; rep < 10; ++rep) {
      be->synchronize();
      const auto t0 = std::chrono::steady_clock::now();
      ops::open_chunks(*be, g);
      be->synchronize();
      best = std::min(best, bench::seconds_since(t0));
    }
    seal::secure_wipe(g.params.key.data(), g.params.key.size());

    // Every tag verified, every byte equal to the plaintext.
    Tensor status = Tensor::empty(DType::kI32, {chunks}), opened = Tensor::empty(DType::kU8, {bytes});
    be->copy(g.status, status);
    be->copy(g.plaintext, opened);
    int64_t verified = 0;
    for (int64_t j = 0; j < chunks; ++j) verified += status.data_as<int32_t>()[j] == 1;
    const bool equal = std::memcmp(opened.data(), plain.data(), static_cast<size_t>(bytes)) == 0;

    const double copy_tbs = bench::copy_tbs(*be);
    const double gbs = static_cast<double>(bytes) / best / 1e9;
    // open_chunks reads the ciphertext and writes the plaintext: compare its traffic with a copy's.
    std::printf("open_chunks %s %s: %lld MiB in %lld chunks of %lld KiB: %.3f ms = %.1f GB/s of plaintext "
                "(stretch goal 50); traffic %.2f TB/s = %.3f of the device copy bandwidth (%.2f TB/s)\n",
                seal::suite_name(h.suite), device.c_str(), static_cast<long long>(mib),
                static_cast<long long>(chunks), static_cast<long long>(c >> 10), best * 1e3, gbs, 2 * gbs / 1e3,
                2 * gbs / 1e3 / copy_tbs, copy_tbs);
    std::printf("tags verified: %lld of %lld; plaintext %s\n", static_cast<long long>(verified),
                static_cast<long long>(chunks), equal ? "equal to the original" : "DIFFERS");
    return verified == chunks && equal ? 0 : 1;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_cuda_open_chunks: %s\n", e.what());
    return 2;
  }
}

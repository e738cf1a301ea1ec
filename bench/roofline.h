// This machine's limits for the benchmark programs, measured in the same run with the same
// thread count: the f32 FMA peak and the memory read bandwidth. Header-only because each
// bench/*.cc is its own program; roofline.cc is the program that prints them.
#pragma once

#include <benchmark/benchmark.h>
#include <immintrin.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace loka::bench {

/// Threads for every benchmark: $LOKA_BENCH_THREADS, else all hardware threads.
inline int bench_threads() {
  const char* env = std::getenv("LOKA_BENCH_THREADS");
  const int n = env ? std::atoi(env) : 0;
  return n > 0 ? n : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

struct Roofline {
  int threads = 0;
  std::string isa;          // vector ISA of the probes: "avx512f", "avx2+fma" or "scalar"
  double fma_gflops = 0;    // f32, all threads
  double read_gbs = 0;      // 1e9 bytes/s, all threads
  size_t buffer_bytes = 0;  // the bandwidth probe's buffer
  std::string how;          // one line saying how both were measured
};

namespace detail {

using Clock = std::chrono::steady_clock;

// Runs fn(i) on `threads` threads started together; wall seconds until the last one ends.
template <class Fn>
double timed_on_threads(int threads, Fn fn) {
  std::atomic<int> ready{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> ts;
  for (int i = 0; i < threads; ++i) {
    ts.emplace_back([&, i] {
      ready.fetch_add(1);
      while (!go.load(std::memory_order_acquire)) {
      }
      fn(i);
    });
  }
  while (ready.load() < threads) {
  }
  const auto t0 = Clock::now();
  go.store(true, std::memory_order_release);
  for (auto& t : ts) t.join();
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

// Independent FMA chains kept in registers: enough of them to cover latency x FMA ports.
constexpr int kChains512 = 16, kChains256 = 12, kChainsScalar = 8;

__attribute__((target("avx512f"))) inline float fma_chains_avx512(int64_t iters) {
  __m512 acc[kChains512];
  for (int j = 0; j < kChains512; ++j) acc[j] = _mm512_set1_ps(0.001f * j);
  const __m512 x = _mm512_set1_ps(0.9999999f), y = _mm512_set1_ps(1e-7f);
  for (int64_t i = 0; i < iters; ++i) {
#pragma GCC unroll 16
    for (int j = 0; j < kChains512; ++j) acc[j] = _mm512_fmadd_ps(acc[j], x, y);
  }
  for (int j = 1; j < kChains512; ++j) acc[0] = _mm512_add_ps(acc[0], acc[j]);
  return _mm512_reduce_add_ps(acc[0]);
}

__attribute__((target("avx2,fma"))) inline float fma_chains_avx2(int64_t iters) {
  __m256 acc[kChains256];
  for (int j = 0; j < kChains256; ++j) acc[j] = _mm256_set1_ps(0.001f * j);
  const __m256 x = _mm256_set1_ps(0.9999999f), y = _mm256_set1_ps(1e-7f);
  for (int64_t i = 0; i < iters; ++i) {
#pragma GCC unroll 16
    for (int j = 0; j < kChains256; ++j) acc[j] = _mm256_fmadd_ps(acc[j], x, y);
  }
  for (int j = 1; j < kChains256; ++j) acc[0] = _mm256_add_ps(acc[0], acc[j]);
  float v[8];
  _mm256_storeu_ps(v, acc[0]);
  return v[0] + v[1] + v[2] + v[3] + v[4] + v[5] + v[6] + v[7];
}

inline float fma_chains_scalar(int64_t iters) {
  float acc[kChainsScalar];
  for (int j = 0; j < kChainsScalar; ++j) acc[j] = 0.001f * j;
  for (int64_t i = 0; i < iters; ++i) {
#pragma GCC unroll 8
    for (int j = 0; j < kChainsScalar; ++j) acc[j] = acc[j] * 0.9999999f + 1e-7f;
  }
  float s = 0;
  for (float a : acc) s += a;
  return s;
}

// Sum of n floats as kStreams sub-ranges read in lockstep (several hardware prefetch streams,
// as a GEMV reading a few weight rows at once has) into 8 independent vector accumulators,
// so loads, not adds, set the pace. Measured on the 2-core AVX2 EPYC: 1 stream per thread
// 9.0 GB/s, 4 streams 12.2, 8 streams 12.9.
constexpr int kStreams = 8;

__attribute__((target("avx512f"))) inline float stream_sum_avx512(const float* p, size_t n) {
  const size_t per = n / kStreams / 128 * 128;
  __m512 acc[8];
  for (auto& a : acc) a = _mm512_setzero_ps();
  for (size_t i = 0; i < per; i += 128) {
    for (int s = 0; s < kStreams; ++s) {
#pragma GCC unroll 8
      for (int j = 0; j < 8; ++j) {
        acc[j] = _mm512_add_ps(acc[j], _mm512_load_ps(p + s * per + i + 16 * j));
      }
    }
  }
  for (int j = 1; j < 8; ++j) acc[0] = _mm512_add_ps(acc[0], acc[j]);
  alignas(64) float v[16];
  _mm512_store_ps(v, acc[0]);
  return v[0] + v[15];
}

__attribute__((target("avx2"))) inline float stream_sum_avx2(const float* p, size_t n) {
  const size_t per = n / kStreams / 64 * 64;
  __m256 acc[8];
  for (auto& a : acc) a = _mm256_setzero_ps();
  for (size_t i = 0; i < per; i += 64) {
    for (int s = 0; s < kStreams; ++s) {
#pragma GCC unroll 8
      for (int j = 0; j < 8; ++j) {
        acc[j] = _mm256_add_ps(acc[j], _mm256_load_ps(p + s * per + i + 8 * j));
      }
    }
  }
  for (int j = 1; j < 8; ++j) acc[0] = _mm256_add_ps(acc[0], acc[j]);
  alignas(32) float v[8];
  _mm256_store_ps(v, acc[0]);
  return v[0] + v[7];
}

inline float stream_sum_scalar(const float* p, size_t n) {
  const size_t per = n / kStreams / 8 * 8;
  float acc[8] = {};
  for (size_t i = 0; i < per; i += 8) {
    for (int s = 0; s < kStreams; ++s) {
#pragma GCC unroll 8
      for (int j = 0; j < 8; ++j) acc[j] += p[s * per + i + j];
    }
  }
  return acc[0] + acc[7];
}

inline Roofline measure(int threads) {
  Roofline r;
  r.threads = threads;
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f");
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  r.isa = avx512 ? "avx512f" : avx2 ? "avx2+fma" : "scalar";
  const int lanes = avx512 ? 16 : avx2 ? 8 : 1;
  const int chains = avx512 ? kChains512 : avx2 ? kChains256 : kChainsScalar;
  const int64_t iters = 50'000'000;
  std::vector<float> sink(static_cast<size_t>(threads));
  double best = 1e30;
  for (int rep = 0; rep < 3; ++rep) {
    best = std::min(best, timed_on_threads(threads, [&](int i) {
                      sink[i] = avx512 ? fma_chains_avx512(iters)
                                : avx2 ? fma_chains_avx2(iters)
                                       : fma_chains_scalar(iters);
                    }));
  }
  r.fma_gflops = 2.0 * lanes * chains * iters * threads / best * 1e-9;

  const char* env = std::getenv("LOKA_BENCH_BW_BYTES");
  r.buffer_bytes = env ? std::strtoull(env, nullptr, 10) : size_t{1} << 30;
  // Each thread's slice is a whole number of 128-float steps of every stream.
  const size_t n = r.buffer_bytes / 4, per = n / threads / (128 * kStreams) * (128 * kStreams);
  std::unique_ptr<float, decltype(&std::free)> buf(
      static_cast<float*>(std::aligned_alloc(64, per * threads * 4)), &std::free);
  // Each thread first touches the slice it will read (page placement on NUMA machines).
  timed_on_threads(threads, [&](int i) {
    for (size_t k = 0; k < per; ++k) buf.get()[i * per + k] = 1.0f;
  });
  best = 1e30;
  for (int rep = 0; rep < 5; ++rep) {
    best = std::min(best, timed_on_threads(threads, [&](int i) {
                      const float* p = buf.get() + i * per;
                      sink[i] += avx512 ? stream_sum_avx512(p, per)
                                 : avx2 ? stream_sum_avx2(p, per)
                                        : stream_sum_scalar(p, per);
                    }));
  }
  benchmark::DoNotOptimize(sink.data());
  r.read_gbs = static_cast<double>(per * threads * 4) / best * 1e-9;
  r.how = "f32 FMA peak: " + std::to_string(chains) + " independent " + std::to_string(lanes) +
          "-lane FMA chains in registers per thread, " + std::to_string(iters) +
          " iterations, best of 3; read bandwidth: sum of a " +
          std::to_string(r.buffer_bytes >> 20) + " MiB buffer split over the threads, each " +
          "reading " + std::to_string(kStreams) + " streams into 8 vector accumulators, best of 5";
  return r;
}

}  // namespace detail

/// Measured once per program for bench_threads() threads.
inline const Roofline& roofline() {
  static const Roofline r = detail::measure(bench_threads());
  return r;
}

/// Adds the roofline to Google Benchmark's context header (and JSON output).
inline void add_roofline_context() {
  const Roofline& r = roofline();
  char line[200];
  std::snprintf(line, sizeof line, "%.1f GFLOP/s f32 FMA, %.1f GB/s read (%d threads, %s)",
                r.fma_gflops, r.read_gbs, r.threads, r.isa.c_str());
  benchmark::AddCustomContext("roofline", line);
  benchmark::AddCustomContext("roofline_method", r.how);
}

}  // namespace loka::bench

/// main() of a bench program: Google Benchmark's, with the roofline in the context.
#define LOKA_BENCH_MAIN()                                     \
  int main(int argc, char** argv) {                           \
    benchmark::Initialize(&argc, argv);                       \
    if (benchmark::ReportUnrecognizedArguments(argc, argv)) { \
      return 1;                                               \
    }                                                         \
    loka::bench::add_roofline_context();                      \
    benchmark::RunSpecifiedBenchmarks();                      \
    benchmark::Shutdown();                                    \
    return 0;                                                 \
  }

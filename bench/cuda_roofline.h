// A CUDA device's limits for the benchmark programs, measured in the same run: device-to-device
// copy bandwidth and the BF16 GEMM peak through the backend's matmul (cuBLASLt).
#pragma once

#include <algorithm>
#include <chrono>
#include <random>

#include "backend/backend.h"
#include "ops/matmul.h"

namespace loka::bench {

inline double seconds_since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

/// Seconds per launch of fn(i), i = 0 .. launches - 1, recorded once (a CUDA graph on a CUDA
/// backend, so no host launch cost in it) and replayed: the best of 5 replays after a warm-up.
template <typename Fn>
double seconds_per_replayed_launch(Backend& be, int launches, Fn fn) {
  const auto work = be.capture([&] {
    for (int i = 0; i < launches; ++i) fn(i);
  });
  work->replay();
  be.synchronize();
  double best = 1e30;
  for (int r = 0; r < 5; ++r) {
    const auto t0 = std::chrono::steady_clock::now();
    work->replay();
    be.synchronize();
    best = std::min(best, seconds_since(t0));
  }
  return best / launches;
}

/// A device tensor of small normal numbers: bf16 (or f16: same bits, other values), or f32.
inline Tensor random_device(Backend& be, DType dt, const Shape& s, uint32_t seed) {
  Tensor host = Tensor::empty(dt, s);
  std::mt19937 rng(seed);
  if (dt == DType::kF32) {
    std::normal_distribution<float> normal(0.0f, 1.0f);
    auto* p = host.data_as<float>();
    for (int64_t i = 0; i < host.numel(); ++i) p[i] = normal(rng);
  } else {
    auto* p = host.data_as<uint16_t>();
    for (int64_t i = 0; i < host.numel(); ++i) p[i] = static_cast<uint16_t>(0x3c00 + rng() % 0x0300) ^ (rng() & 0x8000);
  }
  Tensor d = be.alloc(dt, s);
  be.copy(host, d);
  return d;
}

/// Device-to-device copy of a 2 GiB buffer, bytes read plus written, in TB/s; best of 10.
inline double copy_tbs(Backend& be) {
  const int64_t n = int64_t(1) << 31;
  Tensor a = be.alloc(DType::kU8, {n}), b = be.alloc(DType::kU8, {n});
  be.copy(a, b);
  double best = 1e30;
  for (int i = 0; i < 10; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    be.copy(a, b);
    best = std::min(best, seconds_since(t0));
  }
  return 2.0 * double(n) / best * 1e-12;
}

/// BF16 8192^3 GEMM through the backend's matmul, BF16 out, random data, in TFLOP/s; best of 10.
inline double gemm_tflops(Backend& be) {
  const int64_t n = 8192;
  Tensor a = random_device(be, DType::kBF16, {n, n}, 1), b = random_device(be, DType::kBF16, {n, n}, 2);
  Tensor c = be.alloc(DType::kBF16, {n, n});
  for (int i = 0; i < 3; ++i) ops::matmul(be, a, b, true, &c);
  be.synchronize();
  double best = 1e30;
  for (int i = 0; i < 10; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    ops::matmul(be, a, b, true, &c);
    be.synchronize();
    best = std::min(best, seconds_since(t0));
  }
  return 2.0 * double(n) * n * n / best * 1e-12;
}

}  // namespace loka::bench

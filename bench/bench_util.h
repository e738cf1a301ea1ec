// Helpers shared by the benchmark programs: the backend they run on and their input data.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "backend/registry.h"
#include "cpu/convert_rows.h"
#include "roofline.h"

namespace loka::bench {

/// The CPU backend with bench_threads() threads, shared by a program's benchmarks.
inline Backend& cpu_backend() {
  static std::shared_ptr<Backend> be = create_backend(Device{}, BackendOptions{bench_threads()});
  return *be;
}

/// A host tensor of values in [-1, 1) from a fixed-seed generator.
inline Tensor random_tensor(DType dtype, const Shape& shape, uint64_t seed) {
  Tensor t = Tensor::empty(dtype, shape);
  const int64_t n = t.numel(), chunk = 1 << 16;
  const size_t es = dtype_info(dtype).block_bytes;
  std::vector<float> v(static_cast<size_t>(std::min(n, chunk)));
  uint64_t s = seed * 0x9e3779b97f4a7c15ull + 1;
  for (int64_t i0 = 0; i0 < n; i0 += chunk) {
    const int64_t len = std::min(chunk, n - i0);
    for (int64_t i = 0; i < len; ++i) {
      s = s * 6364136223846793005ull + 1442695040888963407ull;
      v[i] = static_cast<float>(static_cast<int64_t>(s >> 40) - (int64_t{1} << 23)) * 0x1p-23f;
    }
    cpu::from_f32(dtype, v.data(), static_cast<char*>(t.data()) + i0 * es, len);
  }
  return t;
}

/// Counters every benchmark reports: a rate of `per_iter` units and its fraction of `peak`.
inline void set_rate(benchmark::State& state, const char* name, double per_iter, double peak) {
  state.counters[name] =
      benchmark::Counter(per_iter, benchmark::Counter::kIsIterationInvariantRate);
  state.counters["frac_peak"] =
      benchmark::Counter(per_iter / peak, benchmark::Counter::kIsIterationInvariantRate);
}

}  // namespace loka::bench

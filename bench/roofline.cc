// Prints this machine's roofline (f32 FMA peak, read bandwidth) as the other bench programs
// measure it, and times the two probes per thread count.
#include "roofline.h"

namespace {

void BM_fma_peak(benchmark::State& state) {
  const int threads = static_cast<int>(state.range(0));
  const int64_t iters = 10'000'000;
  std::vector<float> sink(static_cast<size_t>(threads));
  __builtin_cpu_init();
  const bool avx512 = __builtin_cpu_supports("avx512f");
  const bool avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
  const int lanes = avx512 ? 16 : avx2 ? 8 : 1;
  const int chains = avx512 ? loka::bench::detail::kChains512
                     : avx2 ? loka::bench::detail::kChains256
                            : loka::bench::detail::kChainsScalar;
  for (auto _ : state) {
    const double s = loka::bench::detail::timed_on_threads(threads, [&](int i) {
      sink[i] = avx512 ? loka::bench::detail::fma_chains_avx512(iters)
                : avx2 ? loka::bench::detail::fma_chains_avx2(iters)
                       : loka::bench::detail::fma_chains_scalar(iters);
    });
    state.SetIterationTime(s);
  }
  benchmark::DoNotOptimize(sink.data());
  state.counters["GFLOP/s"] = benchmark::Counter(2e-9 * lanes * chains * iters * threads,
                                                 benchmark::Counter::kIsIterationInvariantRate);
}
BENCHMARK(BM_fma_peak)->Arg(1)->Arg(2)->UseManualTime()->Unit(benchmark::kMillisecond);

void BM_summary(benchmark::State& state) {
  const loka::bench::Roofline& r = loka::bench::roofline();
  for (auto _ : state) benchmark::DoNotOptimize(r.fma_gflops);
  state.counters["fma_GFLOP/s"] = r.fma_gflops;
  state.counters["read_GB/s"] = r.read_gbs;
  state.counters["threads"] = r.threads;
  state.SetLabel(r.how);
}
BENCHMARK(BM_summary)->Iterations(1);

}  // namespace

LOKA_BENCH_MAIN();

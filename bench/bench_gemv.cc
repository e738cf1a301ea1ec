// Decode GEMV (M = 1, and up to 32 rows) through matmul with weights in bf16, f16 and f32, all
// larger than the last-level cache: GB/s of weight bytes against the measured read
// bandwidth; oneDNN on the same shapes for comparison (it sets kGemvMaxRows). Also, per dtype,
// one M = 1 product whose weights stay in L2 (`in_cache/`): the kernel's own ceiling, which
// bounds the from-memory rate where widening the weights costs more than reading them.
#include <string>

#include "bench_util.h"
#include "core/thread_pool.h"
#include "cpu/gemv_cpu.h"
#include "cpu/matmul_engine.h"
#include "ops/matmul.h"

namespace {

using loka::DType;
using loka::Tensor;

loka::cpu::MatmulEngine& onednn() {
  static loka::cpu::MatmulEngine engine(loka::bench::bench_threads());
  return engine;
}

// The op as a model calls it: CPU backend, our GEMV where gemv_preferred(), else oneDNN.
void BM_matmul(benchmark::State& state, int64_t M, int64_t N, int64_t K, DType wt) {
  loka::Backend& be = loka::bench::cpu_backend();
  Tensor x = loka::bench::random_tensor(DType::kF32, {M, K}, 1);
  Tensor w = loka::bench::random_tensor(wt, {N, K}, 2);
  Tensor y = Tensor::empty(DType::kF32, {M, N});
  for (auto _ : state) loka::ops::matmul(be, x, w, true, &y);
  const double bytes = static_cast<double>(w.nbytes());
  loka::bench::set_rate(state, "GB/s", bytes * 1e-9, loka::bench::roofline().read_gbs);
  const bool gemv = loka::cpu::gemv_preferred(M, wt, onednn().compute_dtype(DType::kF32, wt));
  state.SetLabel(gemv ? "loka gemv" : "oneDNN");
}

// oneDNN's GEMM on the same product (weights it cannot take natively widened in blocks).
void BM_onednn(benchmark::State& state, int64_t M, int64_t N, int64_t K, DType wt) {
  const int threads = loka::bench::bench_threads();
  static loka::ThreadPool pool(threads);
  Tensor x = loka::bench::random_tensor(DType::kF32, {M, K}, 1);
  Tensor w = loka::bench::random_tensor(wt, {N, K}, 2);
  std::vector<float> y(static_cast<size_t>(M * N));
  loka::cpu::GemmArgs g{M, N, K, DType::kF32, x.data(), K, wt, w.data(), K, 1, y.data(), N};
  for (auto _ : state) onednn().gemm(g, pool);
  const double bytes = static_cast<double>(w.nbytes());
  loka::bench::set_rate(state, "GB/s", bytes * 1e-9, loka::bench::roofline().read_gbs);
  state.SetLabel("oneDNN " + onednn().implementation(g));
}

const bool registered = [] {
  const std::pair<int64_t, int64_t> shapes[] = {{4096, 4096}, {14336, 4096}, {4096, 14336}};
  for (DType wt : {DType::kBF16, DType::kF16, DType::kF32}) {
    const std::string d(loka::dtype_name(wt));
    for (const auto& [N, K] : shapes) {
      for (int64_t M : {1, 2, 4, 8, 16, 32}) {
        const std::string shape =
            std::to_string(M) + "x" + std::to_string(N) + "x" + std::to_string(K);
        benchmark::RegisterBenchmark(("matmul/" + d + "/" + shape).c_str(), BM_matmul, M, N, K, wt)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
        benchmark::RegisterBenchmark(("onednn/" + d + "/" + shape).c_str(), BM_onednn, M, N, K, wt)
            ->Unit(benchmark::kMillisecond)
            ->UseRealTime();
      }
    }
  }
  for (DType wt : {DType::kBF16, DType::kF16, DType::kF32}) {
    const int64_t N = 192, K = 2048;  // 768 KiB of 16-bit weights, half per thread: L2
    benchmark::RegisterBenchmark(("in_cache/" + std::string(loka::dtype_name(wt)) + "/1x192x2048").c_str(),
                                 BM_matmul, int64_t{1}, N, K, wt)
        ->Unit(benchmark::kMicrosecond)
        ->UseRealTime();
  }
  return true;
}();

}  // namespace

LOKA_BENCH_MAIN();

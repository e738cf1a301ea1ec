// Prefill GEMM through matmul (oneDNN on the CPU): f32 and bf16/f16 weights, GFLOP/s and the
// fraction of the measured f32 FMA peak.
#include <string>

#include "bench_util.h"
#include "cpu/matmul_engine.h"
#include "ops/matmul.h"

namespace {

using loka::DType;
using loka::Tensor;

// oneDNN's implementation and the dtype it computes in, for the label.
std::string describe(int64_t M, int64_t N, int64_t K, DType at, DType wt) {
  static loka::cpu::MatmulEngine engine(loka::bench::bench_threads());
  loka::cpu::GemmArgs g{M, N, K, at, nullptr, K, wt, nullptr, K, 1, nullptr, N};
  const DType ct = engine.compute_dtype(at, wt);
  std::string s = "oneDNN " + engine.implementation(g) + ", " + std::string(loka::dtype_name(ct));
  if (ct != wt) s += " (weights widened per block)";
  return s;
}

void BM_gemm(benchmark::State& state, int64_t M, int64_t N, int64_t K, DType at, DType wt) {
  loka::Backend& be = loka::bench::cpu_backend();
  Tensor a = loka::bench::random_tensor(at, {M, K}, 1);
  Tensor w = loka::bench::random_tensor(wt, {N, K}, 2);
  Tensor c = Tensor::empty(DType::kF32, {M, N});
  for (auto _ : state) loka::ops::matmul(be, a, w, true, &c);
  loka::bench::set_rate(state, "GFLOP/s", 2e-9 * M * N * K, loka::bench::roofline().fma_gflops);
  state.SetLabel(describe(M, N, K, at, wt));
}

const bool registered = [] {
  struct Shape {
    int64_t M, N, K;
  };
  const Shape shapes[] = {{512, 2048, 2048}, {512, 4096, 4096}, {128, 4096, 4096}};
  const std::pair<DType, DType> combos[] = {{DType::kF32, DType::kF32},
                                            {DType::kF32, DType::kBF16},
                                            {DType::kBF16, DType::kBF16},
                                            {DType::kF32, DType::kF16}};
  for (const auto& [at, wt] : combos) {
    for (const Shape& s : shapes) {
      const std::string name = "gemm/" + std::string(loka::dtype_name(at)) + "x" +
                               std::string(loka::dtype_name(wt)) + "/" + std::to_string(s.M) + "x" +
                               std::to_string(s.N) + "x" + std::to_string(s.K);
      benchmark::RegisterBenchmark(name.c_str(), BM_gemm, s.M, s.N, s.K, at, wt)
          ->Unit(benchmark::kMillisecond)
          ->UseRealTime();
    }
  }
  return true;
}();

}  // namespace

LOKA_BENCH_MAIN();

// The decode step's GEMVs on a CUDA device, Llama-3-8B shapes, BF16 weights: the plain matmul
// (one activation row) and the fused_matvec the recorded step runs (norm + RoPE/KV append,
// residual add, norm + SwiGLU, norm + lm_head), each as weight bytes per second and a fraction
// of the device-to-device copy bandwidth measured in the same run. Each figure is the best of
// 5 replays of a recorded sequence of 50 launches (no host launch cost in it), cycling through
// copies of the weight that together exceed the L2 cache.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "backend/registry.h"
#include "core/error.h"
#include "cuda_roofline.h"
#include "ops/fused_matvec.h"
#include "ops/matmul.h"

namespace {

using loka::Backend;
using loka::DType;
using loka::MatVecEpilogue;
using loka::Tensor;

constexpr int kLaunches = 50;

// Seconds per launch of fn, recorded kLaunches times and replayed.
template <typename Fn>
double seconds_per_launch(Backend& be, Fn fn) {
  return loka::bench::seconds_per_replayed_launch(be, kLaunches, [&](int) { fn(); });
}

struct Shape {
  const char* name;
  int64_t n, k;
  MatVecEpilogue epilogue;
  bool norm;
};

}  // namespace

int main(int argc, char** argv) {
  const std::string device = argc > 1 ? argv[1] : "cuda:0";
  const std::string only = argc > 2 ? argv[2] : "";  // one matrix by name, or all
  try {
    auto be = loka::create_backend(loka::parse_device(device));
    const double copy = loka::bench::copy_tbs(*be);
    std::printf("device: %s; device copy %.2f TB/s (read + write)\n", device.c_str(), copy);
    std::printf("%-8s %7s %6s  %-22s %9s %8s %8s\n", "matrix", "N", "K", "kernel", "us", "TB/s", "of copy");
    const int64_t heads = 32, kv_heads = 8, head_dim = 128, capacity = 1024;
    const std::vector<Shape> shapes = {
        {"qkv", (heads + 2 * kv_heads) * head_dim, 4096, MatVecEpilogue::kRopeKv, true},
        {"o", 4096, 4096, MatVecEpilogue::kAccumulate, false},
        {"gate_up", 2 * 14336, 4096, MatVecEpilogue::kSwiGLU, true},
        {"down", 4096, 14336, MatVecEpilogue::kAccumulate, false},
        {"lm_head", 128256, 4096, MatVecEpilogue::kStore, true},
    };
    const Tensor positions = be->alloc(DType::kI32, {1});
    const int32_t pos = 700;
    be->copy(Tensor::borrow(DType::kI32, {1}, &pos, nullptr), positions);
    const Tensor k_table = be->alloc(DType::kF32, {capacity, kv_heads, head_dim});
    const Tensor v_table = be->alloc(DType::kF32, {capacity, kv_heads, head_dim});
    for (const Shape& s : shapes) {
      if (!only.empty() && only != s.name) continue;
      // Enough copies of the weight to pass through more than the L2 cache (50 MB on an H100)
      // between two uses of one, as the step's 32 layers do.
      const double bytes = double(s.n) * double(s.k) * 2.0;
      std::vector<Tensor> ws;
      for (double total = 0; total < 256e6; total += bytes) {
        ws.push_back(loka::bench::random_device(*be, DType::kBF16, {s.n, s.k}, static_cast<uint32_t>(ws.size())));
      }
      size_t next = 0;
      const auto w = [&] { return ws[next++ % ws.size()]; };
      const Tensor x = be->alloc(DType::kF32, {1, s.k});
      be->copy(Tensor::zeros(DType::kF32, {1, s.k}), x);
      const Tensor norm = be->alloc(DType::kF32, {s.k});
      be->copy(Tensor::zeros(DType::kF32, {s.k}), norm);
      const Tensor y = be->alloc(DType::kF32, {1, s.n});
      const auto report = [&](const char* kernel, double sec) {
        std::printf("%-8s %7lld %6lld  %-22s %9.2f %8.3f %8.3f\n", s.name, static_cast<long long>(s.n),
                    static_cast<long long>(s.k), kernel, sec * 1e6, bytes / sec * 1e-12, bytes / sec * 1e-12 / copy);
      };
      report("matmul", seconds_per_launch(*be, [&] { loka::ops::matmul(*be, x, w(), true, &y); }));
      loka::ops::FusedMatVec f{.x = x, .weight = ws[0], .norm_weight = s.norm ? norm : Tensor(),
                               .epilogue = s.epilogue, .out = y};
      if (s.epilogue == MatVecEpilogue::kSwiGLU) f.out = be->alloc(DType::kF32, {1, s.n / 2});
      if (s.epilogue == MatVecEpilogue::kRopeKv) {
        f.out = be->alloc(DType::kF32, {1, heads * head_dim});
        f.positions = positions;
        f.k_table = k_table;
        f.v_table = v_table;
      }
      report(s.norm ? "fused_matvec + norm" : "fused_matvec",
             seconds_per_launch(*be, [&] {
               f.weight = w();
               loka::ops::fused_matvec(*be, f);
             }));
    }
  } catch (const loka::Error& e) {
    std::fprintf(stderr, "bench_cuda_gemv: %s\n", e.what());
    return 1;
  }
  return 0;
}

// The memory-bound ops a transformer layer runs besides GEMM, at prefill and decode sizes:
// GB/s of the bytes each must read and write, against the measured read bandwidth.
#include <functional>
#include <string>

#include "bench_util.h"
#include "ops/activations.h"
#include "ops/attention.h"
#include "ops/binary.h"
#include "ops/convert.h"
#include "ops/embedding.h"
#include "ops/rms_norm.h"
#include "ops/rope.h"
#include "ops/softmax.h"

namespace {

using loka::DType;
using loka::Shape;
using loka::Tensor;
namespace ops = loka::ops;
namespace lb = loka::bench;

constexpr int64_t kT = 512, kD = 4096, kHeads = 32, kKvHeads = 8, kHeadDim = 128, kFf = 14336;

double bytes(const Tensor& t) { return static_cast<double>(t.nbytes()); }

// Times `op` and reports the rate of `traffic` bytes per call.
void run(benchmark::State& state, double traffic, const std::function<void()>& op) {
  for (auto _ : state) op();
  lb::set_rate(state, "GB/s", traffic * 1e-9, lb::roofline().read_gbs);
}

Tensor positions(int64_t T, int32_t first) {
  Tensor p = Tensor::empty(DType::kI32, {T});
  for (int64_t i = 0; i < T; ++i) p.data_as<int32_t>()[i] = first + static_cast<int32_t>(i);
  return p;
}

void BM_rms_norm(benchmark::State& state, int64_t T) {
  Tensor x = lb::random_tensor(DType::kF32, {T, kD}, 1),
         w = lb::random_tensor(DType::kF32, {kD}, 2);
  Tensor out = Tensor::empty(DType::kF32, x.shape());
  run(state, 2 * bytes(x), [&] { ops::rms_norm(lb::cpu_backend(), x, w, 1e-5f, &out); });
}

void BM_rope(benchmark::State& state, int64_t T) {
  Tensor x = lb::random_tensor(DType::kF32, {T, kHeads, kHeadDim}, 1);
  Tensor pos = positions(T, 7), out = Tensor::empty(DType::kF32, x.shape());
  run(state, 2 * bytes(x), [&] { ops::rope(lb::cpu_backend(), x, pos, loka::RopeParams{}, &out); });
}

void BM_softmax(benchmark::State& state, int64_t T, int64_t S) {
  Tensor x = lb::random_tensor(DType::kF32, {kHeads, T, S}, 1),
         out = Tensor::empty(DType::kF32, x.shape());
  loka::SoftmaxParams p{0.088f, true};
  run(state, 2 * bytes(x), [&] { ops::softmax(lb::cpu_backend(), x, p, &out); });
}

// Decode attention: one query over an S-position cache; the K and V bytes dominate.
void BM_attention_decode(benchmark::State& state, int64_t S, DType kv) {
  Tensor q = lb::random_tensor(DType::kF32, {1, kHeads, kHeadDim}, 1);
  Tensor k = lb::random_tensor(kv, {S, kKvHeads, kHeadDim}, 2);
  Tensor v = lb::random_tensor(kv, {S, kKvHeads, kHeadDim}, 3);
  Tensor out = Tensor::empty(DType::kF32, q.shape());
  run(state, bytes(k) + bytes(v),
      [&] { ops::attention(lb::cpu_backend(), q, k, v, loka::AttentionParams{}, &out); });
}

void BM_swiglu(benchmark::State& state, int64_t T) {
  Tensor g = lb::random_tensor(DType::kF32, {T, kFf}, 1),
         u = lb::random_tensor(DType::kF32, {T, kFf}, 2);
  Tensor out = Tensor::empty(DType::kF32, g.shape());
  run(state, 3 * bytes(g), [&] { ops::swiglu(lb::cpu_backend(), g, u, &out); });
}

void BM_add(benchmark::State& state, int64_t T) {
  Tensor a = lb::random_tensor(DType::kF32, {T, kD}, 1),
         b = lb::random_tensor(DType::kF32, {T, kD}, 2);
  Tensor out = Tensor::empty(DType::kF32, a.shape());
  run(state, 3 * bytes(a), [&] { ops::add(lb::cpu_backend(), a, b, &out); });
}

// Gathers T rows of a bf16 table larger than the cache into a new f32 tensor (the op
// allocates its output, so that is part of the time).
void BM_embedding(benchmark::State& state, int64_t T) {
  const int64_t vocab = 32000;
  Tensor table = lb::random_tensor(DType::kBF16, {vocab, kD}, 1);
  Tensor ids = Tensor::empty(DType::kI32, {T});
  for (int64_t i = 0; i < T; ++i)
    ids.data_as<int32_t>()[i] = static_cast<int32_t>((i * 7919) % vocab);
  run(state, static_cast<double>(T * kD) * (2 + 4),
      [&] { benchmark::DoNotOptimize(ops::embedding(lb::cpu_backend(), table, ids)); });
}

void BM_convert(benchmark::State& state, DType from, DType to) {
  Tensor x = lb::random_tensor(from, {4096, 4096}, 1), out = Tensor::empty(to, x.shape());
  run(state, bytes(x) + bytes(out), [&] { ops::convert(lb::cpu_backend(), x, to, &out); });
}

template <class Fn, class... Args>
void reg(const std::string& name, Fn fn, Args... args) {
  benchmark::RegisterBenchmark(name.c_str(), fn, args...)
      ->Unit(benchmark::kMicrosecond)
      ->UseRealTime();
}

const bool registered = [] {
  for (int64_t T : {kT, int64_t{1}}) {
    const std::string t = "/T=" + std::to_string(T);
    reg("rms_norm" + t, BM_rms_norm, T);
    reg("rope" + t, BM_rope, T);
    reg("swiglu" + t, BM_swiglu, T);
    reg("add" + t, BM_add, T);
    reg("embedding" + t, BM_embedding, T);
  }
  reg("softmax/causal/32x128x1024", BM_softmax, int64_t{128}, int64_t{1024});
  for (DType kv : {DType::kF32, DType::kBF16}) {
    for (int64_t S : {1024, 4096}) {
      reg("attention_decode/kv=" + std::string(loka::dtype_name(kv)) + "/S=" + std::to_string(S),
          BM_attention_decode, S, kv);
    }
  }
  reg("convert/bf16_to_f32/4096x4096", BM_convert, DType::kBF16, DType::kF32);
  reg("convert/f32_to_bf16/4096x4096", BM_convert, DType::kF32, DType::kBF16);
  reg("convert/f16_to_f32/4096x4096", BM_convert, DType::kF16, DType::kF32);
  return true;
}();

}  // namespace

LOKA_BENCH_MAIN();

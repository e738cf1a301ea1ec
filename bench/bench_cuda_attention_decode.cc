// The decode step's attention on a CUDA device, Llama-3-8B heads (32 query, 8 key/value, size
// 128) over f32 key/value caches: microseconds per launch as the recorded step runs it (the
// length read on the device, the layers' caches in turn) and the key/value bytes it reads per
// second as a fraction of the device-to-device copy bandwidth measured in the same run. Each
// figure is the best of 5 replays of a recorded sequence of launches cycling through enough
// layers' caches to pass more than the L2 cache (50 MB on an H100) between two uses of one.
// Length 1 shows what a launch costs besides reading keys and values.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "backend/registry.h"
#include "core/error.h"
#include "cuda_roofline.h"
#include "ops/attention.h"

namespace {

using loka::Backend;
using loka::DType;
using loka::Tensor;

constexpr int64_t kHeads = 32, kKvHeads = 8, kHeadDim = 128, kLayers = 32;
constexpr int kLaunches = 64;

struct Case {
  int64_t capacity, length;
};

// Seconds per launch of the recorded attention over `length` of each layer's `capacity` rows.
double seconds_per_launch(Backend& be, const Case& c) {
  const double layer_bytes = 2.0 * double(c.capacity) * kKvHeads * kHeadDim * sizeof(float);
  const auto layers = std::min<int64_t>(kLayers, static_cast<int64_t>(200e6 / layer_bytes) + 1);
  std::vector<Tensor> keys, values;
  for (int64_t l = 0; l < layers; ++l) {
    const auto seed = static_cast<uint32_t>(2 * l);
    keys.push_back(loka::bench::random_device(be, DType::kF32, {c.capacity, kKvHeads, kHeadDim}, seed));
    values.push_back(loka::bench::random_device(be, DType::kF32, {c.capacity, kKvHeads, kHeadDim}, seed + 1));
  }
  const Tensor q = loka::bench::random_device(be, DType::kF32, {1, kHeads, kHeadDim}, 99);
  const Tensor out = be.alloc(DType::kF32, {1, kHeads, kHeadDim});
  const Tensor kv_len = be.alloc(DType::kI32, {1});
  const auto length = static_cast<int32_t>(c.length);
  be.copy(Tensor::borrow(DType::kI32, {1}, &length, nullptr), kv_len);
  return loka::bench::seconds_per_replayed_launch(be, kLaunches, [&](int i) {
    const size_t l = static_cast<size_t>(i) % keys.size();
    loka::ops::attention(be, q, keys[l], values[l], loka::AttentionParams{}, &out, &kv_len);
  });
}

}  // namespace

int main(int argc, char** argv) {
  const std::string device = argc > 1 ? argv[1] : "cuda:0";
  try {
    auto be = loka::create_backend(loka::parse_device(device));
    const double copy = loka::bench::copy_tbs(*be);
    std::printf("device: %s; device copy %.2f TB/s (read + write)\n", device.c_str(), copy);
    std::printf("%8s %8s %9s %8s %8s\n", "capacity", "length", "us", "TB/s", "of copy");
    for (const Case& c : {Case{640, 1}, Case{640, 512}, Case{640, 640}, Case{8192, 2048}, Case{8192, 8192}}) {
      const double sec = seconds_per_launch(*be, c);
      const double bytes = 2.0 * double(c.length) * kKvHeads * kHeadDim * sizeof(float);
      std::printf("%8lld %8lld %9.2f %8.3f %8.3f\n", static_cast<long long>(c.capacity),
                  static_cast<long long>(c.length), sec * 1e6, bytes / sec * 1e-12,
                  bytes / sec * 1e-12 / copy);
    }
  } catch (const loka::Error& e) {
    std::fprintf(stderr, "bench_cuda_attention_decode: %s\n", e.what());
    return 1;
  }
  return 0;
}

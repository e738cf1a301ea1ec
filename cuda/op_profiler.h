// Per-op GPU time, for tuning: with LOKA_CUDA_PROFILE=1 in the environment the backend brackets
// every op with CUDA events and, when it is destroyed, prints the time per op signature
// (sorted, to stderr). Off by default: it costs two event records per op.
#pragma once

#include <cuda_runtime.h>

#include <map>
#include <string>
#include <vector>

#include "ops/op.h"

namespace loka::cuda {

class OpProfiler {
 public:
  OpProfiler();
  ~OpProfiler();
  bool enabled() const { return enabled_; }
  /// Around one op on `stream`.
  void begin(cudaStream_t stream);
  void end(const OpNode& node, cudaStream_t stream);
  /// Collects finished ops (after the stream was synchronised).
  void collect();

 private:
  struct Pending {
    std::string key;
    cudaEvent_t start, stop;
  };
  struct Total {
    double ms = 0;
    long calls = 0;
  };
  bool enabled_ = false;
  cudaEvent_t open_ = nullptr;
  std::vector<Pending> pending_;
  std::map<std::string, Total> totals_;
};

}  // namespace loka::cuda

// OpProfiler: CUDA events around each op, summed per op signature.
#include "op_profiler.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace loka::cuda {
namespace {

// Attention's key count grows every decode step: group it by its query shape only.
std::string signature(const OpNode& node) {
  if (node.kind == OpKind::kAttention) {
    return std::string(op_name(node.kind)) + " q" + node.src[0].shape().str() + " (all lengths)";
  }
  return node.describe();
}

}  // namespace

OpProfiler::OpProfiler() {
  const char* env = std::getenv("LOKA_CUDA_PROFILE");
  enabled_ = env != nullptr && *env != '\0' && *env != '0';
}

OpProfiler::~OpProfiler() {
  if (!enabled_) return;
  collect();
  std::vector<std::pair<std::string, Total>> rows(totals_.begin(), totals_.end());
  std::sort(rows.begin(), rows.end(),
            [](const auto& a, const auto& b) { return a.second.ms > b.second.ms; });
  double all = 0;
  for (const auto& r : rows) all += r.second.ms;
  std::fprintf(stderr, "loka cuda profile: %.3f ms in ops\n", all);
  for (const auto& [key, t] : rows) {
    std::fprintf(stderr, "%10.3f ms %5.1f%% %7ld calls %8.2f us/call  %s\n", t.ms,
                 all > 0 ? 100 * t.ms / all : 0.0, t.calls, 1e3 * t.ms / t.calls, key.c_str());
  }
}

void OpProfiler::begin(cudaStream_t stream) {
  cudaEventCreate(&open_);
  cudaEventRecord(open_, stream);
}

void OpProfiler::end(const OpNode& node, cudaStream_t stream) {
  cudaEvent_t stop = nullptr;
  cudaEventCreate(&stop);
  cudaEventRecord(stop, stream);
  pending_.push_back({signature(node), open_, stop});
  open_ = nullptr;
  if (pending_.size() >= 4096) collect();  // waits for the stream: keeps the list short
}

void OpProfiler::collect() {
  for (Pending& p : pending_) {
    float ms = 0;
    if (cudaEventSynchronize(p.stop) == cudaSuccess &&
        cudaEventElapsedTime(&ms, p.start, p.stop) == cudaSuccess) {
      Total& t = totals_[p.key];
      t.ms += ms;
      t.calls += 1;
    }
    cudaEventDestroy(p.start);
    cudaEventDestroy(p.stop);
  }
  pending_.clear();
}

}  // namespace loka::cuda

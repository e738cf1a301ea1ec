// The interface every compute backend implements (CPU here, CUDA as a plugin).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "core/device.h"
#include "core/tensor.h"
#include "ops/op.h"

namespace loka {

struct BackendOptions {
  int threads = 0;  // CPU worker threads, the caller's included; 0 = all hardware threads
};

struct MemoryInfo {
  uint64_t total_bytes = 0;
  uint64_t free_bytes = 0;
};

/// Work recorded once and run many times: see Backend::capture.
class CapturedWork {
 public:
  virtual ~CapturedWork() = default;
  /// Runs the recorded work again. On a device backend it is queued like any op:
  /// synchronize() or a copy to the host waits for it.
  virtual void replay() = 0;
};

class Backend {
 public:
  virtual ~Backend() = default;

  /// "cpu", "cuda".
  virtual std::string name() const = 0;
  virtual Device device() const = 0;
  virtual MemoryInfo memory_info() const = 0;

  /// A contiguous, uninitialised tensor in this backend's memory
  /// (host memory is kHostAlignment-aligned). Throws kOutOfMemory.
  virtual Tensor alloc(DType dtype, const Shape& shape) = 0;

  /// Copies src into dst (same dtype and shape; either may be on the host or
  /// on this backend's device). Returns when the copy is complete.
  virtual void copy(const Tensor& src, const Tensor& dst) = 0;
  /// Like copy, but may return before the copy completes; the source must
  /// stay alive and unchanged until synchronize().
  virtual void copy_async(const Tensor& src, const Tensor& dst) { copy(src, dst); }
  /// Waits for all queued work (async copies, ops) to finish.
  virtual void synchronize() {}

  /// Whether compute(node) would run this node (dtypes, layouts, devices).
  virtual bool supports_op(const OpNode& node) const = 0;
  /// Runs a node validated by its front end. Throws kUnsupported when
  /// !supports_op(node).
  virtual void compute(const OpNode& node) = 0;

  /// Records the ops and device-side copies `record` issues, to run them with replay()
  /// (capture itself need not run them). Replays use the same tensors, shapes and
  /// parameters: what changes between replays must be tensor contents the ops read when
  /// they run (token ids, positions, an attention kv_len). So `record` must not copy to the
  /// host, synchronize, or use tensors that die before the CapturedWork. The CUDA backend
  /// makes a CUDA graph (one launch per replay); this default calls `record` on every replay.
  virtual std::unique_ptr<CapturedWork> capture(std::function<void()> record);

  /// Page-locks host memory [data, data + bytes) so that copies from it to the device go
  /// without staging, for as long as the returned handle lives (the memory must outlive it).
  /// Null where there is nothing to gain (the CPU) or the pinning failed: copies still work.
  virtual std::shared_ptr<void> pin_host_memory(void* data, size_t bytes) { return nullptr; }
};

}  // namespace loka

// The CUDA backend: device memory from a stream-ordered pool, copies in every
// direction, and dispatch of op nodes to registered kernels on one stream.
#pragma once

#include <memory>

#include "backend/backend.h"
#include "device_context.h"
#include "op_profiler.h"

namespace loka::cuda {

class CudaBackend final : public Backend {
 public:
  CudaBackend(int device, const BackendOptions& opts);
  ~CudaBackend() override;

  std::string name() const override { return "cuda"; }
  Device device() const override { return {DeviceType::kCuda, ctx_->device()}; }
  MemoryInfo memory_info() const override;

  Tensor alloc(DType dtype, const Shape& shape) override;
  void copy(const Tensor& src, const Tensor& dst) override;
  void copy_async(const Tensor& src, const Tensor& dst) override;
  void synchronize() override;
  bool supports_op(const OpNode& node) const override;
  void compute(const OpNode& node) override;
  /// A CUDA graph of the recorded work (eager replays while LOKA_CUDA_PROFILE times ops).
  std::unique_ptr<CapturedWork> capture(std::function<void()> record) override;
  std::shared_ptr<void> pin_host_memory(void* data, size_t bytes) override;

 private:
  void copy_impl(const Tensor& src, const Tensor& dst, bool wait);
  /// The node with host sources uploaded and strided sources packed.
  OpNode prepared(const OpNode& node);
  bool on_this_device(const Tensor& t) const;

  std::shared_ptr<DeviceContext> ctx_;
  OpProfiler profiler_;
};

/// Packs a strided device tensor into a new contiguous one (a gather kernel).
Tensor pack_contiguous(const std::shared_ptr<DeviceContext>& ctx, const Tensor& t);

}  // namespace loka::cuda

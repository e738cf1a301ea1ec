// The CPU backend: host memory, a thread pool, oneDNN GEMM and our kernels.
#pragma once

#include <memory>

#include "backend/backend.h"
#include "core/thread_pool.h"

namespace loka {

namespace cpu {
class MatmulEngine;
}

class CpuBackend final : public Backend {
 public:
  explicit CpuBackend(const BackendOptions& opts);
  ~CpuBackend() override;

  std::string name() const override { return "cpu"; }
  Device device() const override { return {}; }
  MemoryInfo memory_info() const override;
  /// "cpu (2 threads; avx2 fma f16c)".
  std::string description() const;
  int threads() const { return pool_.size(); }

  Tensor alloc(DType dtype, const Shape& shape) override;
  void copy(const Tensor& src, const Tensor& dst) override;
  bool supports_op(const OpNode& node) const override;
  void compute(const OpNode& node) override;

 private:
  ThreadPool pool_;
  std::unique_ptr<cpu::MatmulEngine> matmul_;
};

}  // namespace loka

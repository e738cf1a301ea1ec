// CpuBackend: memory, copies and dispatch to registered kernels.
#include "cpu/cpu_backend.h"

#include <unistd.h>

#include <cstring>

#include "core/error.h"
#include "cpu/cpu_features.h"
#include "cpu/kernel_registry.h"
#include "cpu/matmul_engine.h"

namespace loka {

CpuBackend::CpuBackend(const BackendOptions& opts)
    : pool_(opts.threads), matmul_(std::make_unique<cpu::MatmulEngine>(pool_.size())) {}

CpuBackend::~CpuBackend() = default;

MemoryInfo CpuBackend::memory_info() const {
  const uint64_t page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  return {static_cast<uint64_t>(::sysconf(_SC_PHYS_PAGES)) * page,
          static_cast<uint64_t>(::sysconf(_SC_AVPHYS_PAGES)) * page};
}

std::string CpuBackend::description() const {
  return "cpu (" + std::to_string(pool_.size()) + " threads; " + cpu::cpu_features_string() + ")";
}

Tensor CpuBackend::alloc(DType dtype, const Shape& shape) { return Tensor::empty(dtype, shape); }

void CpuBackend::copy(const Tensor& src, const Tensor& dst) {
  LOKA_CHECK(src.device().is_host() && dst.device().is_host(), ErrorCode::kInvalidArgument,
        "cpu backend copies host tensors only: " + src.describe() + " -> " + dst.describe());
  LOKA_CHECK(src.dtype() == dst.dtype() && src.shape() == dst.shape(), ErrorCode::kInvalidArgument,
        "copy between different tensors: " + src.describe() + " -> " + dst.describe());
  if (src.is_contiguous() && dst.is_contiguous()) {
    std::memmove(dst.data(), src.data(), src.nbytes());
    return;
  }
  LOKA_CHECK(dst.is_contiguous(), ErrorCode::kUnsupported,
        "copy into a non-contiguous tensor " + dst.describe());
  Tensor packed = src.contiguous();
  std::memcpy(dst.data(), packed.data(), packed.nbytes());
}

bool CpuBackend::supports_op(const OpNode& node) const {
  for (const Tensor& t : node.src) {
    if (t.defined() && !t.device().is_host()) return false;
  }
  for (const Tensor& t : node.dst) {
    if (t.defined() && !t.device().is_host()) return false;
  }
  const cpu::CpuKernel* k = cpu::find_cpu_kernel(node.kind);
  return k != nullptr && k->supports(node);
}

void CpuBackend::compute(const OpNode& node) {
  if (!supports_op(node)) {
    throw Error(ErrorCode::kUnsupported, "cpu backend does not support " + node.describe());
  }
  cpu::CpuContext ctx{pool_, *matmul_};
  cpu::find_cpu_kernel(node.kind)->run(node, ctx);
}

}  // namespace loka

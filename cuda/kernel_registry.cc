// The op kind -> CUDA kernel table.
#include "kernel_registry.h"

#include <array>

namespace loka::cuda {
namespace {

constexpr size_t kKinds = static_cast<size_t>(OpKind::kTopK) + 1;

std::array<CudaKernel, kKinds>& table() {
  static std::array<CudaKernel, kKinds> t{};
  return t;
}

}  // namespace

const CudaKernel* find_cuda_kernel(OpKind kind) {
  const auto i = static_cast<size_t>(kind);
  if (i >= kKinds || table()[i].run == nullptr) return nullptr;
  return &table()[i];
}

CudaKernelRegistrar::CudaKernelRegistrar(OpKind kind, CudaKernel kernel) {
  table()[static_cast<size_t>(kind)] = kernel;
}

}  // namespace loka::cuda

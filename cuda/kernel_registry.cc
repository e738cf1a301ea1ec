// The op kind -> CUDA kernel table.
#include "kernel_registry.h"

#include <array>

namespace loka::cuda {
namespace {

std::array<CudaKernel, kOpKindCount>& table() {
  static std::array<CudaKernel, kOpKindCount> t{};
  return t;
}

}  // namespace

const CudaKernel* find_cuda_kernel(OpKind kind) {
  const auto i = static_cast<size_t>(kind);
  if (i >= kOpKindCount || table()[i].run == nullptr) return nullptr;
  return &table()[i];
}

CudaKernelRegistrar::CudaKernelRegistrar(OpKind kind, CudaKernel kernel) {
  table()[static_cast<size_t>(kind)] = kernel;
}

}  // namespace loka::cuda

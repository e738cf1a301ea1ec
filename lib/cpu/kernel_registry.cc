// The CPU kernel table.
#include "cpu/kernel_registry.h"

#include <array>

namespace loka::cpu {
namespace {

std::array<CpuKernel, kOpKindCount>& table() {
  static std::array<CpuKernel, kOpKindCount> t{};
  return t;
}

}  // namespace

const CpuKernel* find_cpu_kernel(OpKind kind) {
  const CpuKernel& k = table().at(static_cast<size_t>(kind));
  return k.run ? &k : nullptr;
}

CpuKernelRegistrar::CpuKernelRegistrar(OpKind kind, CpuKernel kernel) {
  table().at(static_cast<size_t>(kind)) = kernel;
}

}  // namespace loka::cpu

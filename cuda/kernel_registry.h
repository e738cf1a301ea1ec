// CUDA kernels register themselves here, one entry per op kind; CudaBackend
// dispatches through this table (the same pattern as lib/cpu).
#pragma once

#include "ops/op.h"

namespace loka::cuda {

class DeviceContext;

struct CudaKernel {
  /// Called with every tensor on this device and every source contiguous.
  bool (*supports)(const OpNode& node) = nullptr;
  void (*run)(const OpNode& node, DeviceContext& ctx) = nullptr;
};

const CudaKernel* find_cuda_kernel(OpKind kind);

struct CudaKernelRegistrar {
  CudaKernelRegistrar(OpKind kind, CudaKernel kernel);
};

}  // namespace loka::cuda

#define LOKA_CUDA_CONCAT_(a, b) a##b
#define LOKA_CUDA_CONCAT(a, b) LOKA_CUDA_CONCAT_(a, b)
#define LOKA_REGISTER_CUDA_KERNEL(kind, supports_fn, run_fn)                              \
  static const ::loka::cuda::CudaKernelRegistrar LOKA_CUDA_CONCAT(loka_cuda_kernel_,      \
                                                                  __LINE__)(              \
      kind, ::loka::cuda::CudaKernel{supports_fn, run_fn})

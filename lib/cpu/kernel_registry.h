// CPU kernels register themselves here, one entry per op kind; CpuBackend
// dispatches through this table.
#pragma once

#include "ops/op.h"

namespace loka {
class ThreadPool;
}

namespace loka::cpu {

class MatmulEngine;

/// What a kernel may use while it runs.
struct CpuContext {
  ThreadPool& pool;
  MatmulEngine& matmul;  // oneDNN engine, stream and primitive cache
};

struct CpuKernel {
  bool (*supports)(const OpNode& node) = nullptr;
  void (*run)(const OpNode& node, CpuContext& ctx) = nullptr;
};

/// The kernel for `kind`, or null when none is registered.
const CpuKernel* find_cpu_kernel(OpKind kind);

/// Registers at static-initialisation time; use LOKA_REGISTER_CPU_KERNEL.
struct CpuKernelRegistrar {
  CpuKernelRegistrar(OpKind kind, CpuKernel kernel);
};

}  // namespace loka::cpu

#define LOKA_CPU_CONCAT_(a, b) a##b
#define LOKA_CPU_CONCAT(a, b) LOKA_CPU_CONCAT_(a, b)
/// In a kernel's .cc file: LOKA_REGISTER_CPU_KERNEL(OpKind::kRmsNorm, supports_fn, run_fn);
#define LOKA_REGISTER_CPU_KERNEL(kind, supports_fn, run_fn)                          \
  static const ::loka::cpu::CpuKernelRegistrar LOKA_CPU_CONCAT(loka_cpu_kernel_, \
                                                               __LINE__)(          \
      kind, ::loka::cpu::CpuKernel{supports_fn, run_fn})

// Turning CUDA / cuBLASLt status codes into loka::Error with the call that failed.
#pragma once

#include <cublasLt.h>
#include <cuda_runtime.h>

#include <string>

#include "core/error.h"

namespace loka::cuda {

/// kOutOfMemory for allocation failures, kInternal for the rest.
[[noreturn]] void throw_cuda_error(cudaError_t err, const char* call, const char* file, int line);
[[noreturn]] void throw_cublas_error(cublasStatus_t st, const char* call, const char* file,
                                     int line);

}  // namespace loka::cuda

#define LOKA_CUDA(call)                                                               \
  do {                                                                                \
    const cudaError_t loka_err_ = (call);                                             \
    if (loka_err_ != cudaSuccess)                                                     \
      ::loka::cuda::throw_cuda_error(loka_err_, #call, __FILE__, __LINE__);           \
  } while (0)

#define LOKA_CUBLAS(call)                                                             \
  do {                                                                                \
    const cublasStatus_t loka_st_ = (call);                                           \
    if (loka_st_ != CUBLAS_STATUS_SUCCESS)                                            \
      ::loka::cuda::throw_cublas_error(loka_st_, #call, __FILE__, __LINE__);          \
  } while (0)

/// After a kernel launch: reports a bad configuration or an earlier asynchronous fault.
#define LOKA_CUDA_LAUNCHED() LOKA_CUDA(cudaGetLastError())

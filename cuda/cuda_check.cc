// Error conversion for CUDA runtime and cuBLASLt calls.
#include "cuda_check.h"

namespace loka::cuda {
namespace {

std::string where(const char* call, const char* file, int line) {
  std::string f = file;
  const size_t slash = f.rfind('/');
  if (slash != std::string::npos) f = f.substr(slash + 1);
  return std::string(call) + " (" + f + ":" + std::to_string(line) + ")";
}

}  // namespace

void throw_cuda_error(cudaError_t err, const char* call, const char* file, int line) {
  const ErrorCode code = err == cudaErrorMemoryAllocation ? ErrorCode::kOutOfMemory
                                                          : ErrorCode::kInternal;
  throw Error(code, std::string("CUDA error ") + cudaGetErrorName(err) + " (" +
                        cudaGetErrorString(err) + ") in " + where(call, file, line));
}

void throw_cublas_error(cublasStatus_t st, const char* call, const char* file, int line) {
  const ErrorCode code = st == CUBLAS_STATUS_ALLOC_FAILED ? ErrorCode::kOutOfMemory
                         : st == CUBLAS_STATUS_NOT_SUPPORTED ? ErrorCode::kUnsupported
                                                             : ErrorCode::kInternal;
  throw Error(code, std::string("cuBLASLt error ") + cublasLtGetStatusName(st) + " (" +
                        cublasLtGetStatusString(st) + ") in " + where(call, file, line));
}

}  // namespace loka::cuda

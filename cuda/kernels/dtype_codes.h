// Host-side dtype helpers of the CUDA kernels: the codes kernels switch on, and which
// dtypes the float kernels take. Plain C++, for .cc and .cu files alike.
#pragma once

#include <string>

#include "core/dtype.h"
#include "core/error.h"

namespace loka::cuda {

/// dtype codes the kernels switch on (a uniform branch: no divergence).
enum DtCode : int { kDtF32 = 0, kDtF16 = 1, kDtBF16 = 2, kDtF64 = 3, kDtI32 = 4, kDtI8 = 5 };

inline int dt_code(DType t) {
  switch (t) {
    case DType::kF32: return kDtF32;
    case DType::kF16: return kDtF16;
    case DType::kBF16: return kDtBF16;
    case DType::kF64: return kDtF64;
    case DType::kI32: return kDtI32;
    case DType::kI8: return kDtI8;
    default:
      throw Error(ErrorCode::kUnsupported,
                  std::string("cuda: no kernels for dtype ") + std::string(dtype_name(t)));
  }
}

/// f32, f16 or bf16: what the float kernels (and cuBLASLt here) take.
inline bool is_f16ish_or_f32(DType t) {
  return t == DType::kF32 || t == DType::kF16 || t == DType::kBF16;
}

}  // namespace loka::cuda

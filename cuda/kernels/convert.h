// Device-side dtype conversion of a contiguous buffer (the convert op's kernel), for other
// kernels' host code that must bring an operand to another dtype first.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

#include "core/dtype.h"

namespace loka::cuda {

void convert_buffer(const void* src, DType from, void* dst, DType to, int64_t n,
                    cudaStream_t stream);

}  // namespace loka::cuda

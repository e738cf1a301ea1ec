// Small vectorized loops over one row of floats, shared by the CPU kernels.
#pragma once

#include <cstdint>

namespace loka::cpu {

/// x[i] *= c for i < n.
void scale_row(float* x, float c, int64_t n);

}  // namespace loka::cpu

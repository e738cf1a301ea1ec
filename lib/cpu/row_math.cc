// Small vectorized loops over one row of floats, shared by the CPU kernels.
#include "cpu/row_math.h"

#include "cpu/simd.h"

namespace loka::cpu {

LOKA_VECTORIZE void scale_row(float* x, float c, int64_t n) {
  LOKA_SIMD
  for (int64_t i = 0; i < n; ++i) x[i] *= c;
}

}  // namespace loka::cpu

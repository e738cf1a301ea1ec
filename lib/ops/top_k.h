// The k largest elements of each row, with their indices (top-k sampling).
#pragma once

#include <cstdint>

#include "backend/backend.h"

namespace loka::ops {

struct TopK {
  Tensor values;   // [..., k], x's dtype
  Tensor indices;  // i32[..., k]
};

/// x[..., N] (f32/f16/bf16, contiguous) -> the k largest of each row, sorted
/// descending; equal values are ordered by smaller index first, and NaN counts
/// as larger than any number (as argmax does). k must be in [1, N]. Meant for
/// k much smaller than N (a vocabulary): a partial selection, not a sort.
TopK top_k(Backend& be, const Tensor& x, int64_t k);

}  // namespace loka::ops

// Index of the largest element of each row (greedy sampling).
#pragma once

#include "backend/backend.h"

namespace loka::ops {

/// x[..., N] (f32/f16/bf16, contiguous, N >= 1) -> i32[...]: for each row the
/// index of its largest element; ties go to the smallest index, and a NaN
/// counts as larger than any number (the first NaN wins), as in PyTorch and
/// numpy. A 1-D x gives a 0-dimensional result (one element).
Tensor argmax(Backend& be, const Tensor& x);

}  // namespace loka::ops

// Element-wise add and mul with trailing broadcast of the second operand.
#pragma once

#include "backend/backend.h"

namespace loka::ops {

/// a + b. b's shape must equal a trailing part of a's shape (e.g. a[T, D],
/// b[D]); it repeats over a's leading dimensions. The result has a's dtype
/// unless `out` is given (any float dtype, a's shape).
Tensor add(Backend& be, const Tensor& a, const Tensor& b, const Tensor* out = nullptr);
/// a * b, same rules as add.
Tensor mul(Backend& be, const Tensor& a, const Tensor& b, const Tensor* out = nullptr);

}  // namespace loka::ops

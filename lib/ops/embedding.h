// Embedding lookup: a row gather from a token table, converted to out_dtype.
#pragma once

#include "backend/backend.h"

namespace loka::ops {

/// out[..., :] = table[ids[...], :]. table[V, D] is f32/f16/bf16, ids is i32
/// of any shape; out has shape ids.shape + [D] and dtype out_dtype (a float
/// dtype). An id outside [0, V) throws kInvalidArgument naming the id and its
/// position (checked by the backend, which never reads out of bounds). `out`, if given,
/// receives the rows (out_dtype and that shape, contiguous).
Tensor embedding(Backend& be, const Tensor& table, const Tensor& ids,
                 DType out_dtype = DType::kF32, const Tensor* out = nullptr);

}  // namespace loka::ops

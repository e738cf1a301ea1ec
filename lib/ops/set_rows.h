// Row scatter into a table: how a recorded decode step appends its key/value rows to the
// KV cache at a position it reads when it runs.
#pragma once

#include "backend/backend.h"

namespace loka::ops {

/// table[indices[t], ...] = rows[t, ...] for t < T, in place. rows[T, ...] and table[R, ...]
/// have the same dtype (f32, f16 or bf16) and trailing shape, both contiguous; indices is
/// i32[T] on the backend, read when the op runs. Where the front end can read the indices
/// (host memory) each must be in [0, R) (kInvalidArgument naming it); a device backend skips
/// a row with a bad index and reports it at its next synchronize().
void set_rows(Backend& be, const Tensor& rows, const Tensor& indices, const Tensor& table);

}  // namespace loka::ops

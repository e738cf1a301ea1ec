// Row scatter into a table: how a recorded decode step appends its key/value rows to the
// KV cache at a position it reads when it runs.
#pragma once

#include <span>

#include "backend/backend.h"

namespace loka::ops {

/// table[indices[t], ...] = rows[t, ...] for t < T, in place. rows[T, ...] and table[R, ...]
/// have the same dtype (f32, f16 or bf16) and trailing shape, both contiguous; indices is
/// i32[T] on the backend, read when the op runs. Where the front end can read the indices
/// (host memory) each must be in [0, R) (kInvalidArgument naming it); a device backend skips
/// a row with a bad index and reports it at its next synchronize().
void set_rows(Backend& be, const Tensor& rows, const Tensor& indices, const Tensor& table);

/// The most (rows, table) pairs one set_rows call takes.
constexpr size_t kSetRowsMaxPairs = 4;

/// set_rows for each (rows[i], tables[i]) pair at the same indices, in one op (one launch on
/// a device: a decode step appends its keys and values together). Each pair as above.
void set_rows(Backend& be, std::span<const Tensor> rows, const Tensor& indices,
              std::span<const Tensor> tables);

}  // namespace loka::ops

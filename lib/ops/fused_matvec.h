// Decode-step fusions around a weight GEMV: one activation row times a weight matrix, with
// the RMSNorm before it and the op after it (residual add, SwiGLU, RoPE + KV-cache append)
// in the same pass, so a single-token step launches one kernel where it would launch two or
// three. Device backends offer them (Backend::supports_op); a model uses them where
// fused_matvec_supported says so and otherwise runs the separate ops, whose results these
// equal up to rounding (the norm's scale is applied to the sums instead of to x).
#pragma once

#include "backend/backend.h"

namespace loka::ops {

struct FusedMatVec {
  Tensor x{};            // f32 [1, K], contiguous
  Tensor weight{};       // [N, K] f32/f16/bf16 (the Hugging Face layout)
  Tensor norm_weight{};  // f32 [K]: y = W (x / rms(x) * norm_weight); undefined: y = W x
  float eps = 1e-6f;
  Tensor bias{};         // f32 [N] added to y, or undefined
  MatVecEpilogue epilogue = MatVecEpilogue::kStore;
  // kStore: [1, N] = y; kAccumulate: [1, N] += y; kSwiGLU: [1, N / 2] = silu(y[:N/2]) * y[N/2:];
  // kRopeKv: q [1, Hq * D], the rotated first Hq heads of y.
  Tensor out{};
  // kRopeKv: y is [q: Hq heads; k: Hkv heads; v: Hkv heads] of D features. q and k are rotated
  // at `positions[0]` by `rope` (whole heads), and k and v written to that row of the tables.
  Tensor positions{};  // i32 [1], read when the op runs (a recorded step's position)
  RopeParams rope{};
  Tensor k_table{}, v_table{};  // [capacity, Hkv, D], the same dtype
};

/// The node for f, validated: throws Error(kInvalidArgument) naming the argument at fault.
OpNode fused_matvec_node(const FusedMatVec& f);
/// Whether f is valid and `be` runs it.
bool fused_matvec_supported(const Backend& be, const FusedMatVec& f);
/// Runs f; throws kUnsupported where the backend has no such kernel. A position outside the
/// tables is reported like set_rows' indices (by the device, at the next synchronisation).
void fused_matvec(Backend& be, const FusedMatVec& f);

}  // namespace loka::ops

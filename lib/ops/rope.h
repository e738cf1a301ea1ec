// Rotary position embedding (NeoX and interleaved layouts, partial rotary,
// linear / Llama-3 / YaRN frequency scaling as in Hugging Face transformers).
#pragma once

#include <vector>

#include "backend/backend.h"

namespace loka::ops {

/// Rotates x[T, H, Dh] (or x[B, T, H, Dh]) by angle position * inv_freq[i].
/// positions is i32 with x's leading dimensions ([T] or [B, T]); for a 4-D x a
/// [T] positions tensor is shared by every batch row. With rotary_dim < Dh
/// only the leading rotary_dim features of each head rotate; the rest pass
/// through. YaRN multiplies cos and sin by rope_attention_scale(p). The result
/// has x's dtype unless `out` is given (any float dtype, x's shape; it may be x
/// itself for an in-place update).
Tensor rope(Backend& be, const Tensor& x, const Tensor& positions, const RopeParams& p,
            const Tensor* out = nullptr);

/// The rotary_dim / 2 inverse frequencies (rotary_dim = head_dim when p's is
/// 0), in float64, by the formulas of transformers' modeling_rope_utils:
/// default, linear (inv_freq / factor), llama3, yarn (with truncate = true).
/// Throws kInvalidArgument on bad parameters.
std::vector<double> rope_inv_freq(const RopeParams& p, int64_t head_dim);

/// The cos/sin multiplier: YaRN's attention_factor (p.attention_factor, or
/// 0.1 ln(factor) + 1 when it is 0 and factor > 1); 1 for the other scalings.
double rope_attention_scale(const RopeParams& p);

}  // namespace loka::ops

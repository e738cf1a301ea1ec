// Scaled dot-product attention of new queries over a KV cache, with
// grouped-query heads and a causal mask.
#pragma once

#include "backend/backend.h"

namespace loka::ops {

/// out[t, h] = sum_s softmax_s(q[t, h] . k[s, h / G] * scale) v[s, h / G],
/// G = Hq / Hkv. q[T, Hq, D], k[S, Hkv, D], v[S, Hkv, Dv]; each f32/f16/bf16
/// (they may differ), computed in f32. The innermost dimension of q, k and v
/// must be contiguous; the other two may have any stride, so k and v can be
/// the first S positions of a larger cache (e.g. [max_seq, 2, Hkv, D] holding
/// K and V side by side). p.scale 0 means 1/sqrt(D) (the node carries the
/// resolved scale). With p.causal, query t sits at position S - T + t and sees
/// keys 0 .. S - T + t, so S >= T is required. S >= 1. The result is
/// [T, Hq, Dv] in q's dtype, or in `out`, if given: that shape in any of those dtypes.
///
/// `kv_len`, if given, is an i32[1] tensor on the backend holding L: only the first L
/// positions of k and v count (S stays their capacity) and the causal query t sits at
/// L - T + t. The length is read when the op runs, not when it is issued, so a recorded
/// decode step (Backend::capture) attends over a cache that grows between replays. Where
/// the front end can read it (host memory) L is checked to be in [max(T, 1), S]; a device
/// backend clamps it to [0, S] and gives a query with no key a zero row.
Tensor attention(Backend& be, const Tensor& q, const Tensor& k, const Tensor& v,
                 const AttentionParams& p, const Tensor* out = nullptr,
                 const Tensor* kv_len = nullptr);

}  // namespace loka::ops

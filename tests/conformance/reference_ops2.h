// Float64 references for convert, top_k/argmax and attention, written from
// the math independently of lib/.
#pragma once

#include <cstdint>
#include <vector>

#include "core/dtype.h"

namespace loka::test {

/// x rounded to nearest (ties to even) in `dtype` (f64, f32, f16 or bf16),
/// with subnormals, overflow to +-Inf and NaN/Inf passed through.
double ref_round(double x, DType dtype);

/// Indices of the k best elements of `row`, best first: NaN above every
/// number, larger values first, equal values by smaller index.
std::vector<int32_t> ref_top_k(const std::vector<double>& row, int64_t k);

struct AttentionDims {
  int64_t t, s, hq, hkv, d, dv;
};

/// softmax(q . k^T * scale + causal mask) . v per query head, kv head h / (hq / hkv);
/// q[t, hq, d], k[s, hkv, d], v[s, hkv, dv] row-major -> out[t, hq, dv].
std::vector<double> ref_attention(const std::vector<double>& q, const std::vector<double>& k,
                                  const std::vector<double>& v, const AttentionDims& a,
                                  double scale, bool causal);

}  // namespace loka::test

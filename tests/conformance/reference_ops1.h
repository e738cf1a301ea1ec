// Float64 reference implementations of rms_norm, rope and softmax for the
// conformance tests, written from the math independently of lib/.
#pragma once

#include <cstdint>
#include <vector>

#include "ops/op.h"

namespace loka::test {

/// x[rows, d] / sqrt(mean(x^2) + eps) * w[d].
std::vector<double> ref_rms_norm(const std::vector<double>& x, const std::vector<double>& w,
                                 double eps);

/// RoPE inverse frequencies (rotary_dim / 2 of them) and the cos/sin
/// multiplier, from the formulas of transformers' modeling_rope_utils.py.
std::vector<double> ref_rope_inv_freq(const RopeParams& p, int64_t head_dim);
double ref_rope_attention_scale(const RopeParams& p);

/// x[tokens, heads, head_dim] rotated by positions[token % positions.size()].
std::vector<double> ref_rope(const std::vector<double>& x, const std::vector<int32_t>& positions,
                             int64_t heads, int64_t head_dim, const RopeParams& p);

/// Softmax of scale * x over rows of length s; with causal, rows are grouped
/// in matrices of t rows and column c of row r is masked when c > r + s - t.
std::vector<double> ref_softmax(const std::vector<double>& x, int64_t t, int64_t s, double scale,
                                bool causal);

}  // namespace loka::test

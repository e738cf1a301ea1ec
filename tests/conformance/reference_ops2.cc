// Float64 references for convert, top_k/argmax and attention.
#include "conformance/reference_ops2.h"

#include <algorithm>
#include <catch2/catch.hpp>
#include <cmath>
#include <numeric>

#include "conformance/reference_ops1.h"

namespace loka::test {
namespace {

struct Format {
  int precision;  // significand bits, the implicit one included
  int min_exp;    // exponent of the smallest normal
  int max_exp;    // exponent of the largest finite
};

Format format_of(DType dtype) {
  switch (dtype) {
    case DType::kF64: return {53, -1022, 1023};
    case DType::kF32: return {24, -126, 127};
    case DType::kF16: return {11, -14, 15};
    case DType::kBF16: return {8, -126, 127};
    default: FAIL("ref_round: not a float dtype: " << dtype_name(dtype));
  }
  return {};
}

}  // namespace

// Arithmetic rounding, not bit manipulation: the representable numbers near x
// are the multiples of the quantum 2^(e - precision + 1), e the exponent of x
// (raised to min_exp in the subnormal range). x / quantum is exact in double,
// and nearbyint rounds it to an integer, ties to even, in the default mode.
double ref_round(double x, DType dtype) {
  if (std::isnan(x) || std::isinf(x) || x == 0) return x;
  const Format f = format_of(dtype);
  int e2 = 0;
  std::frexp(x, &e2);  // |x| = m 2^e2, m in [0.5, 1): exponent e2 - 1
  const int e = std::max(e2 - 1, f.min_exp);
  const double quantum = std::ldexp(1.0, e - f.precision + 1);
  const double y = std::nearbyint(x / quantum) * quantum;
  const double max_finite = std::ldexp(2.0 - std::ldexp(1.0, 1 - f.precision), f.max_exp);
  return std::fabs(y) > max_finite ? std::copysign(INFINITY, x) : y;
}

std::vector<int32_t> ref_top_k(const std::vector<double>& row, int64_t k) {
  std::vector<int32_t> idx(row.size());
  std::iota(idx.begin(), idx.end(), 0);
  auto key = [&](int32_t i) { return std::isnan(row[i]) ? INFINITY : row[i]; };
  std::stable_sort(idx.begin(), idx.end(), [&](int32_t a, int32_t b) {
    const bool an = std::isnan(row[a]), bn = std::isnan(row[b]);
    if (an != bn) return an;
    return key(a) > key(b);
  });
  idx.resize(static_cast<size_t>(k));
  return idx;
}

std::vector<double> ref_attention(const std::vector<double>& q, const std::vector<double>& k,
                                  const std::vector<double>& v, const AttentionDims& a,
                                  double scale, bool causal) {
  const int64_t group = a.hq / a.hkv;
  std::vector<double> out(static_cast<size_t>(a.t * a.hq * a.dv), 0.0);
  std::vector<double> logits(static_cast<size_t>(a.t * a.s));
  for (int64_t h = 0; h < a.hq; ++h) {
    const int64_t kvh = h / group;
    for (int64_t t = 0; t < a.t; ++t) {
      for (int64_t s = 0; s < a.s; ++s) {
        double dot = 0;
        for (int64_t i = 0; i < a.d; ++i) {
          dot += q[(t * a.hq + h) * a.d + i] * k[(s * a.hkv + kvh) * a.d + i];
        }
        logits[t * a.s + s] = dot;
      }
    }
    const std::vector<double> p = ref_softmax(logits, a.t, a.s, scale, causal);
    for (int64_t t = 0; t < a.t; ++t) {
      for (int64_t s = 0; s < a.s; ++s) {
        for (int64_t i = 0; i < a.dv; ++i) {
          out[(t * a.hq + h) * a.dv + i] += p[t * a.s + s] * v[(s * a.hkv + kvh) * a.dv + i];
        }
      }
    }
  }
  return out;
}

}  // namespace loka::test

// Fits llama3 rope parameters to a rope_freqs factor vector and verifies the fit.
#include "models/rope_freqs.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

#include "core/error.h"
#include "ops/rope.h"

namespace loka {
namespace {

bool near(double a, double b) { return std::abs(a - b) <= 1e-4 * std::max(std::abs(b), 1.0); }

bool matches(const RopeParams& p, int64_t head_dim, const std::vector<double>& want) {
  std::vector<double> got;
  try {
    got = ops::rope_inv_freq(p, head_dim);
  } catch (const Error&) {
    return false;
  }
  if (got.size() != want.size()) return false;
  for (size_t i = 0; i < got.size(); ++i) {
    if (!near(got[i], want[i])) return false;
  }
  return true;
}

}  // namespace

RopeParams rope_from_freq_factors(const RopeParams& base, int64_t head_dim,
                                  std::span<const float> factors, const std::string& where) {
  RopeParams plain = base;
  plain.scaling = RopeScaling::kNone;
  const std::vector<double> inv = ops::rope_inv_freq(plain, head_dim);
  LOKA_CHECK(factors.size() == inv.size(), ErrorCode::kFormat,
             where + " has " + std::to_string(factors.size()) + " entries, expected " +
                 std::to_string(inv.size()) + " (rotary dims / 2)");
  std::vector<double> want(inv.size());
  double big = 0.0;
  for (size_t i = 0; i < inv.size(); ++i) {
    LOKA_CHECK(std::isfinite(factors[i]) && factors[i] > 0.0f, ErrorCode::kFormat,
               where + "[" + std::to_string(i) + "] is not a positive number");
    want[i] = inv[i] / factors[i];
    big = std::max(big, static_cast<double>(factors[i]));
  }
  if (matches(plain, head_dim, want)) return plain;

  RopeParams p = base;
  p.factor = big;
  p.scaling = RopeScaling::kLinear;
  if (matches(p, head_dim, want)) return p;

  // llama3: frequency u = inv / 2pi is kept when L*u > high, divided by the factor when
  // L*u < low, blended by s = (L*u - low) / (high - low) in between. Only low/L and
  // high/L matter, so L is fixed and low/high are solved from the blended entries.
  p.scaling = RopeScaling::kLlama3;
  const double L = 8192.0;
  p.original_max_position = 8192;
  double u_hi = 0.0, u_lo = 0.0;               // smallest kept, largest fully scaled frequency
  std::vector<std::pair<double, double>> mid;  // (u, s)
  for (size_t i = 0; i < inv.size(); ++i) {
    const double u = inv[i] / (2.0 * std::numbers::pi), f = factors[i];
    if (near(f, 1.0)) {
      u_hi = u_hi == 0.0 ? u : std::min(u_hi, u);
    } else if (near(f, big)) {
      u_lo = std::max(u_lo, u);
    } else {
      mid.emplace_back(u, (1.0 / f - 1.0 / big) / (1.0 - 1.0 / big));
    }
  }
  double low = 0.0, high = 0.0;
  if (mid.size() >= 2) {
    const auto [u0, s0] = mid.front();
    const auto [u1, s1] = mid.back();
    const double slope = (s1 - s0) / (u1 - u0);  // L / (high - low)
    const double gap = L / slope;
    low = L * u0 - s0 * gap;
    high = low + gap;
  } else if (mid.size() == 1) {
    const auto [u, s] = mid.front();
    double gap = L * u;
    if (u_hi > 0.0 && s < 1.0) gap = std::min(gap, L * (u_hi - u) / (1.0 - s));
    if (s > 0.0) gap = std::min(gap, L * (u - u_lo) / s);
    gap *= 0.5;
    low = L * u - s * gap;
    high = low + gap;
  } else {
    const double top = u_hi > 0.0 ? u_hi : 2.0 * u_lo;
    low = L * (u_lo + (top - u_lo) / 3.0);
    high = L * (u_lo + 2.0 * (top - u_lo) / 3.0);
  }
  p.low_freq_factor = low;
  p.high_freq_factor = high;
  LOKA_CHECK(matches(p, head_dim, want), ErrorCode::kUnsupported,
             where + " holds rope frequency factors that no llama3 or linear scaling gives");
  return p;
}

}  // namespace loka

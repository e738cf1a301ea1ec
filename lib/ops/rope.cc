// Front end of rope and the inverse-frequency formulas of each scaling.
#include "ops/rope.h"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <utility>

#include "core/error.h"
#include "ops/op_checks.h"

namespace loka::ops {
namespace {

constexpr const char* kOp = "rope";

void fail(const std::string& what) {
  throw Error(ErrorCode::kInvalidArgument, std::string(kOp) + ": " + what);
}

int64_t rotary_dim_of(const RopeParams& p, int64_t head_dim) {
  const int64_t rot = p.rotary_dim == 0 ? head_dim : p.rotary_dim;
  if (rot <= 0 || rot > head_dim || rot % 2 != 0) {
    fail("rotary_dim " + std::to_string(rot) +
         " must be even and in [2, head_dim = " + std::to_string(head_dim) + "]");
  }
  return rot;
}

// HF reads beta_fast/beta_slow with `or`, so 0 means the default (32 / 1).
std::pair<double, double> yarn_betas(const RopeParams& p) {
  return {p.beta_fast != 0.0 ? p.beta_fast : 32.0, p.beta_slow != 0.0 ? p.beta_slow : 1.0};
}

void check_params(const RopeParams& p) {
  if (!(std::isfinite(p.theta) && p.theta > 1.0)) {
    fail("theta must be > 1, got " + std::to_string(p.theta));
  }
  if (p.scaling == RopeScaling::kNone) return;
  if (!(std::isfinite(p.factor) && p.factor > 0.0)) {
    fail("scaling factor must be > 0, got " + std::to_string(p.factor));
  }
  if (p.scaling == RopeScaling::kLlama3) {
    if (!(p.low_freq_factor > 0.0 && p.high_freq_factor > p.low_freq_factor)) {
      fail("llama3 scaling needs 0 < low_freq_factor < high_freq_factor, got " +
           std::to_string(p.low_freq_factor) + " and " + std::to_string(p.high_freq_factor));
    }
  }
  if (p.scaling == RopeScaling::kLlama3 || p.scaling == RopeScaling::kYarn) {
    if (p.original_max_position <= 0) {
      fail("original_max_position must be > 0, got " + std::to_string(p.original_max_position));
    }
  }
  if (p.scaling == RopeScaling::kYarn) {
    if (!(p.attention_factor >= 0.0)) {
      fail("yarn attention_factor must be >= 0 (0 = default), got " +
           std::to_string(p.attention_factor));
    }
    const auto [beta_fast, beta_slow] = yarn_betas(p);
    if (!(beta_fast > 0.0 && beta_slow > 0.0)) {
      fail("yarn beta_fast and beta_slow must be > 0, got " + std::to_string(beta_fast) + " and " +
           std::to_string(beta_slow));
    }
  }
}

// _compute_yarn_parameters: blend of interpolated (inv_freq / factor) and
// extrapolated (inv_freq) frequencies by a linear ramp over [low, high].
void apply_yarn(const RopeParams& p, int64_t dim, std::vector<double>& inv_freq) {
  const auto [beta_fast, beta_slow] = yarn_betas(p);
  const double base = p.theta, max_pos = static_cast<double>(p.original_max_position);
  auto correction_dim = [&](double rotations) {
    return dim * std::log(max_pos / (rotations * 2.0 * std::numbers::pi)) / (2.0 * std::log(base));
  };
  double low = correction_dim(beta_fast), high = correction_dim(beta_slow);
  if (p.truncate) {
    low = std::floor(low);
    high = std::ceil(high);
  }
  low = std::max(low, 0.0);
  high = std::min(high, static_cast<double>(dim - 1));
  if (low == high) high += 0.001;  // as HF: avoid a zero-width ramp
  for (size_t i = 0; i < inv_freq.size(); ++i) {
    const double ramp = std::clamp((static_cast<double>(i) - low) / (high - low), 0.0, 1.0);
    const double extrapolation = inv_freq[i], interpolation = inv_freq[i] / p.factor;
    inv_freq[i] = interpolation * ramp + extrapolation * (1.0 - ramp);
  }
}

// _compute_llama3_parameters: long wavelengths divided by factor, short ones
// kept, a smooth blend in between.
void apply_llama3(const RopeParams& p, std::vector<double>& inv_freq) {
  const double old_ctx = static_cast<double>(p.original_max_position);
  const double low_freq_wavelen = old_ctx / p.low_freq_factor;
  const double high_freq_wavelen = old_ctx / p.high_freq_factor;
  for (double& f : inv_freq) {
    const double wavelen = 2.0 * std::numbers::pi / f;
    if (wavelen > low_freq_wavelen) {
      f /= p.factor;
    } else if (!(wavelen < high_freq_wavelen)) {
      const double smooth =
          (old_ctx / wavelen - p.low_freq_factor) / (p.high_freq_factor - p.low_freq_factor);
      f = (1.0 - smooth) * f / p.factor + smooth * f;
    }
  }
}

}  // namespace

std::vector<double> rope_inv_freq(const RopeParams& p, int64_t head_dim) {
  check_params(p);
  const int64_t dim = rotary_dim_of(p, head_dim);
  std::vector<double> inv_freq(static_cast<size_t>(dim / 2));
  for (size_t i = 0; i < inv_freq.size(); ++i) {
    inv_freq[i] = 1.0 / std::pow(p.theta, static_cast<double>(2 * i) / static_cast<double>(dim));
  }
  switch (p.scaling) {
    case RopeScaling::kNone:
      break;
    case RopeScaling::kLinear:
      for (double& f : inv_freq) f /= p.factor;
      break;
    case RopeScaling::kLlama3:
      apply_llama3(p, inv_freq);
      break;
    case RopeScaling::kYarn:
      apply_yarn(p, dim, inv_freq);
      break;
  }
  return inv_freq;
}

double rope_attention_scale(const RopeParams& p) {
  if (p.scaling != RopeScaling::kYarn) return 1.0;
  if (p.attention_factor > 0.0) return p.attention_factor;
  return p.factor <= 1.0 ? 1.0 : 0.1 * std::log(p.factor) + 1.0;
}

Tensor rope(Backend& be, const Tensor& x, const Tensor& positions, const RopeParams& p,
            const Tensor* out) {
  expect_dtype(x, kFloatTypes, kOp, "x");
  expect_dtype(positions, {DType::kI32}, kOp, "positions");
  expect_rank(x, 3, 4, kOp, "x");
  for (const Tensor* t : {&x, &positions}) {
    LOKA_CHECK(t->is_contiguous(), ErrorCode::kInvalidArgument,
          std::string(kOp) + ": input " + t->describe() + " is not contiguous");
  }
  Shape lead;
  for (int i = 0; i < x.ndim() - 2; ++i) lead.push_back(x.dim(i));
  const bool shared = x.ndim() == 4 && positions.shape() == Shape{x.dim(1)};
  LOKA_CHECK(positions.shape() == lead || shared, ErrorCode::kInvalidArgument,
        std::string(kOp) + ": 'positions' " + positions.shape().str() + " must be " + lead.str() +
            (x.ndim() == 4 ? " or [" + std::to_string(x.dim(1)) + "]" : "") + " for 'x' " +
            x.shape().str() + " ([..., T, H, Dh])");
  check_params(p);
  rotary_dim_of(p, x.dim(-1));
  const bool has_out = out != nullptr && out->defined();
  if (has_out) expect_dtype(*out, kFloatTypes, kOp, "out");
  OpNode node{OpKind::kRope,
              {x, positions},
              {output_or_alloc(be, out, has_out ? out->dtype() : x.dtype(), x.shape(), kOp)},
              p};
  run_op(be, node);
  return node.dst[0];
}

}  // namespace loka::ops

// Float64 references for rms_norm, rope and softmax.
#include "conformance/reference_ops1.h"

#include <algorithm>
#include <cmath>
#include <complex>

namespace loka::test {

std::vector<double> ref_rms_norm(const std::vector<double>& x, const std::vector<double>& w,
                                 double eps) {
  const size_t d = w.size();
  std::vector<double> out(x.size());
  for (size_t r = 0; r < x.size() / d; ++r) {
    double sq = 0;
    for (size_t i = 0; i < d; ++i) sq += x[r * d + i] * x[r * d + i];
    const double inv_rms = 1.0 / std::sqrt(sq / static_cast<double>(d) + eps);
    for (size_t i = 0; i < d; ++i) out[r * d + i] = x[r * d + i] * inv_rms * w[i];
  }
  return out;
}

// Written the way transformers writes it: whole-vector expressions, then a
// selection per element (torch.where), instead of lib/'s per-element branches.
std::vector<double> ref_rope_inv_freq(const RopeParams& p, int64_t head_dim) {
  const double pi = std::acos(-1.0);
  const int64_t dim = p.rotary_dim > 0 ? p.rotary_dim : head_dim;
  const size_t n = static_cast<size_t>(dim / 2);
  std::vector<double> base_freq(n);
  for (size_t k = 0; k < n; ++k) {
    base_freq[k] = std::pow(p.theta, -static_cast<double>(2 * k) / static_cast<double>(dim));
  }
  std::vector<double> inv = base_freq;
  if (p.scaling == RopeScaling::kLinear) {
    for (double& f : inv) f = f / p.factor;
  } else if (p.scaling == RopeScaling::kLlama3) {
    const double old_len = static_cast<double>(p.original_max_position);
    const double low_wavelen = old_len / p.low_freq_factor;
    const double high_wavelen = old_len / p.high_freq_factor;
    for (size_t k = 0; k < n; ++k) {
      const double wavelen = 2 * pi / base_freq[k];
      const double llama = wavelen > low_wavelen ? base_freq[k] / p.factor : base_freq[k];
      const double smooth =
          (old_len / wavelen - p.low_freq_factor) / (p.high_freq_factor - p.low_freq_factor);
      const double smoothed = (1 - smooth) * llama / p.factor + smooth * llama;
      const bool medium = !(wavelen < high_wavelen) && !(wavelen > low_wavelen);
      inv[k] = medium ? smoothed : llama;
    }
  } else if (p.scaling == RopeScaling::kYarn) {
    const double beta_fast = p.beta_fast ? p.beta_fast : 32,
                 beta_slow = p.beta_slow ? p.beta_slow : 1;
    auto find_dim = [&](double rotations) {
      return (dim * std::log(p.original_max_position / (rotations * 2 * pi))) /
             (2 * std::log(p.theta));
    };
    const double low = std::max(std::floor(find_dim(beta_fast)), 0.0);
    double high = std::min(std::ceil(find_dim(beta_slow)), static_cast<double>(dim - 1));
    if (low == high) high += 0.001;
    for (size_t k = 0; k < n; ++k) {
      const double ramp = std::min(std::max((k - low) / (high - low), 0.0), 1.0);
      const double extrapolation_factor = 1 - ramp;
      const double pos_freq = std::pow(p.theta, static_cast<double>(2 * k) / dim);
      inv[k] = 1.0 / (p.factor * pos_freq) * (1 - extrapolation_factor) +
               1.0 / pos_freq * extrapolation_factor;
    }
  }
  return inv;
}

double ref_rope_attention_scale(const RopeParams& p) {
  if (p.scaling != RopeScaling::kYarn) return 1.0;
  if (p.attention_factor != 0) return p.attention_factor;
  if (p.factor <= 1) return 1.0;
  return 0.1 * std::log(p.factor) + 1.0;
}

// Each rotated pair is a complex number multiplied by scale * e^(i * angle).
std::vector<double> ref_rope(const std::vector<double>& x, const std::vector<int32_t>& positions,
                             int64_t heads, int64_t head_dim, const RopeParams& p) {
  const std::vector<double> inv = ref_rope_inv_freq(p, head_dim);
  const double scale = ref_rope_attention_scale(p);
  const size_t half = inv.size(), dh = static_cast<size_t>(head_dim);
  std::vector<double> out = x;
  const size_t vectors = x.size() / dh;
  for (size_t v = 0; v < vectors; ++v) {
    const size_t token = v / static_cast<size_t>(heads);
    const double pos = positions[token % positions.size()];
    double* o = out.data() + v * dh;
    const double* in = x.data() + v * dh;
    for (size_t k = 0; k < half; ++k) {
      const size_t re = p.layout == RopeLayout::kNeox ? k : 2 * k;
      const size_t im = p.layout == RopeLayout::kNeox ? k + half : 2 * k + 1;
      const std::complex<double> z =
          std::complex<double>(in[re], in[im]) * std::polar(scale, pos * inv[k]);
      o[re] = z.real();
      o[im] = z.imag();
    }
  }
  return out;
}

std::vector<double> ref_softmax(const std::vector<double>& x, int64_t t, int64_t s, double scale,
                                bool causal) {
  std::vector<double> out(x.size(), 0.0);
  const size_t cols = static_cast<size_t>(s);
  for (size_t r = 0; r < x.size() / cols; ++r) {
    const int64_t row_in_matrix = static_cast<int64_t>(r) % t;
    auto visible = [&](size_t c) {
      return !causal || static_cast<int64_t>(c) <= row_in_matrix + s - t;
    };
    double m = -INFINITY;
    for (size_t c = 0; c < cols; ++c) {
      if (visible(c)) m = std::max(m, scale * x[r * cols + c]);
    }
    double sum = 0;
    for (size_t c = 0; c < cols; ++c) {
      if (visible(c)) sum += std::exp(scale * x[r * cols + c] - m);
    }
    for (size_t c = 0; c < cols; ++c) {
      if (visible(c)) out[r * cols + c] = std::exp(scale * x[r * cols + c] - m) / sum;
    }
  }
  return out;
}

}  // namespace loka::test

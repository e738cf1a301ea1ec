// Llama 3 rope scaling recovered from llama.cpp's rope_freqs.weight (per-frequency divisors).
#pragma once

#include <span>
#include <string>

#include "ops/op.h"

namespace loka {

/// llama.cpp stores Llama 3 rope scaling only as factors f[i] (inv_freq[i] / f[i]).
/// Returns `base` with llama3 (or linear) scaling whose frequencies equal those, checked
/// to 1e-4 relative; factors no such scaling produces throw Error(kUnsupported) naming
/// `where`.
RopeParams rope_from_freq_factors(const RopeParams& base, int64_t head_dim,
                                  std::span<const float> factors, const std::string& where);

}  // namespace loka

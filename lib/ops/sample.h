// The next token from one row of logits, picked where the logits are: on a GPU only the id
// crosses to the host.
#pragma once

#include <span>

#include "backend/backend.h"
#include "ops/sampling_chain.h"

namespace loka::ops {

/// The largest top_k a device backend's sample kernel takes (the CPU takes any).
constexpr int32_t kDeviceSampleMaxTopK = 1024;

/// Whether a device backend can run the chain `p` itself: greedy, or 1 <= top_k <= 1024.
bool device_can_sample(const SampleParams& p);

/// Buffers on the backend that sample_token reuses between calls.
struct SampleWorkspace {
  Tensor penalties;  // i32 [capacity, 2]
  Tensor scratch;    // f32 [V]
  Tensor token;      // i32 [1]
};

/// The token sampling::pick chooses from `logits` (f32 [V] or [1, V], contiguous, on `be`)
/// with `counts` (distinct ids in [0, V)) and `p`; u must be in [0, 1). On a device backend
/// p must satisfy device_can_sample (kUnsupported otherwise). Results equal the host chain's
/// except where a sum in a different order moves a probability across a rounding boundary.
int32_t sample_token(Backend& be, const Tensor& logits, std::span<const sampling::PenaltyCount> counts,
                     const SampleParams& p, SampleWorkspace& ws);

}  // namespace loka::ops

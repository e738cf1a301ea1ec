// CPU sample: the host sampling chain on the row (penalties, then argmax or the draw).
#include <span>
#include <vector>

#include "cpu/kernel_registry.h"
#include "ops/sampling_chain.h"

namespace loka::cpu {
namespace {

bool supports_sample(const OpNode& n) {
  if (n.src.size() != 2 || n.dst.size() != 2 || !std::holds_alternative<SampleParams>(n.params)) {
    return false;
  }
  const Tensor &logits = n.src[0], &table = n.src[1], &token = n.dst[0];
  return logits.dtype() == DType::kF32 && logits.ndim() == 1 && logits.is_contiguous() &&
         table.dtype() == DType::kI32 && table.ndim() == 2 && table.dim(1) == 2 &&
         table.is_contiguous() && token.dtype() == DType::kI32 && token.numel() == 1;
}

void run_sample(const OpNode& n, CpuContext&) {
  const Tensor &logits = n.src[0], &table = n.src[1];
  const auto* flat = table.data_as<const int32_t>();
  std::vector<sampling::PenaltyCount> counts(static_cast<size_t>(table.dim(0)));
  for (size_t i = 0; i < counts.size(); ++i) counts[i] = {flat[2 * i], flat[2 * i + 1]};
  std::vector<sampling::Candidate> cands;
  const std::span<const float> row(logits.data_as<const float>(), static_cast<size_t>(logits.numel()));
  *n.dst[0].data_as<int32_t>() = sampling::pick(row, counts, std::get<SampleParams>(n.params), cands);
}

}  // namespace

LOKA_REGISTER_CPU_KERNEL(OpKind::kSample, supports_sample, run_sample);

}  // namespace loka::cpu

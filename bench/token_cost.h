// What generating one token costs a model at batch 1, for the generation benchmarks' limits:
// decode reads every weight once, except the embedding table (one row) unless that table is
// also the output matrix; prefill does 2 FLOPs per streamed weight per token.
#pragma once

#include <string>

#include "core/error.h"
#include "models/model.h"

namespace loka::bench {

struct TokenCost {
  double weight_bytes;    // all weights, in the model's dtype
  double bytes_per_token; // read by one decode step
  double flops_per_token; // of one prefill token
};

inline double weight_bytes_per_element(const std::string& dtype) {
  if (dtype == "f32") return 4;
  if (dtype == "f16" || dtype == "bf16") return 2;
  throw Error(ErrorCode::kUnsupported, "generation benchmark: weight dtype " + dtype);
}

inline TokenCost token_cost(const ModelInfo& info) {
  const double per = weight_bytes_per_element(info.weight_dtype);
  const double embed = static_cast<double>(info.vocab_size) * info.hidden_size;
  const double streamed = info.parameters - (info.tied_embeddings ? 0.0 : embed);
  return {info.parameters * per, streamed * per, 2.0 * streamed};
}

}  // namespace loka::bench

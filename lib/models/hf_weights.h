// Binds a Llama-family model's weights from Hugging Face safetensors by their HF names.
#pragma once

#include <functional>

#include "formats/safetensors_model.h"
#include "models/hparams.h"
#include "models/llama_weights.h"

namespace loka {

/// Every tensor `h` calls for must be present with its shape; matrices stay in the mmap.
/// `progress` (may be empty) gets the fraction of layers bound.
LlamaWeights bind_hf_weights(const SafetensorsModel& st, const ModelHparams& h,
                             const std::function<void(double)>& progress);

}  // namespace loka

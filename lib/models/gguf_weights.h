// Binds a Llama-family model's weights from a GGUF file by llama.cpp's tensor names.
#pragma once

#include <functional>

#include "formats/gguf_file.h"
#include "models/hparams.h"
#include "models/llama_weights.h"

namespace loka {

/// Sets the flags of `h` that follow from which tensors exist (q/k/v and output biases,
/// tied output) and the vocabulary size (token_embd), applies rope_freqs.weight when
/// present, then binds and checks every tensor. Matrices stay in the mapping.
LlamaWeights bind_gguf_weights(const GgufFile& f, ModelHparams& h,
                               const std::function<void(double)>& progress);

}  // namespace loka

// Moving a model's weights into a device backend's memory (once, at load).
#pragma once

#include "backend/backend.h"
#include "models/llama_weights.h"

namespace loka {

/// Copies of every defined tensor of `w` on `be`, same dtypes; a tensor used twice (tied
/// embeddings) is copied once. Throws kOutOfMemory (naming the sizes) when they do not fit;
/// what was copied so far is freed.
LlamaWeights upload_llama_weights(const LlamaWeights& w, Backend& be);

}  // namespace loka

// Moving a model's weights into a device backend's memory (once, at load).
#pragma once

#include <functional>

#include "backend/backend.h"
#include "models/llama_weights.h"

namespace loka {

/// Copies one host tensor into its device tensor. A loader whose bytes are not plain host
/// memory supplies its own (a sealed model: wait for the bytes to decrypt, or open them on
/// the device); by default Backend::copy.
using HostTensorCopy = std::function<void(const Tensor& from, const Tensor& to)>;

/// Copies of every defined tensor of `w` on `be`, same dtypes; a tensor used twice (tied
/// embeddings) is copied once. Throws kOutOfMemory (naming the sizes) when they do not fit;
/// what was copied so far is freed. Host tensors go up in the order of their addresses (file
/// order, for weights in a mapped or decrypted file), through `copy` if given.
LlamaWeights upload_llama_weights(const LlamaWeights& w, Backend& be, const HostTensorCopy& copy = {});

}  // namespace loka

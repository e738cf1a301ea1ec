// Moving a model's weights into a device backend's memory (once, at load).
#pragma once

#include <functional>

#include "backend/backend.h"
#include "models/llama_weights.h"

namespace loka {

/// Called with each host range before it is read: a loader whose bytes arrive while the
/// upload runs (a sealed model decrypting in the background) blocks there until they are in.
using HostBytesReady = std::function<void(const void* data, size_t bytes)>;

/// Copies of every defined tensor of `w` on `be`, same dtypes; a tensor used twice (tied
/// embeddings) is copied once. Throws kOutOfMemory (naming the sizes) when they do not fit;
/// what was copied so far is freed. Host tensors go up in the order of their addresses (file
/// order, for weights in a mapped or decrypted file), each after ready(its bytes) if given.
LlamaWeights upload_llama_weights(const LlamaWeights& w, Backend& be, const HostBytesReady& ready = {});

}  // namespace loka

// Tensor-core attention for prefill chunks (bf16 operands, f32 accumulation), used when the
// op allows reduced precision or its inputs are bf16 already.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>

namespace loka::cuda {

struct AttentionMmaArgs {
  const void* q;  // [t, hq, d]
  const void* k;  // [s, hkv, d]
  const void* v;  // [s, hkv, d]
  int qdt, kdt, vdt;
  void* out;      // [t, hq, d]
  int odt;
  int64_t t, s, hq, hkv, d;
  float scale;
  bool causal;
};

/// Head sizes the kernel handles (q and v heads equal, a multiple of 16, at most 256).
bool attention_mma_supported(int64_t d, int64_t dv);
void attention_mma(const AttentionMmaArgs& a, cudaStream_t stream);

}  // namespace loka::cuda

// Attention for one query per head (a decode step), grouped-query aware: one block reads each
// key/value row once for all query heads of its group.
#pragma once

#include <cstdint>

namespace loka::cuda {

class DeviceContext;

struct AttentionDecodeArgs {
  const void* q;  // [1, hq, d]
  const void* k;  // [s, hkv, d]
  const void* v;  // [s, hkv, d]
  int qdt, kdt, vdt;
  void* out;      // [1, hq, d]
  int odt;
  int64_t s, hq, hkv, d;
  float scale;
  const int32_t* kv_len;  // null, or the number of k/v rows that count (read on the device)
};

/// Whether attention_decode takes these sizes: head size 64, 128 or 256 (q and v alike),
/// 1, 2, 4 or 8 query heads per key/value head.
bool attention_decode_supported(int64_t d, int64_t dv, int64_t hq, int64_t hkv);
void attention_decode(const AttentionDecodeArgs& a, DeviceContext& ctx);

}  // namespace loka::cuda

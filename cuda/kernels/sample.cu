// sample: the host sampling chain of ops/sampling_chain.h in one block of 1024 threads, so
// that only the token id leaves the device. Greedy without penalties takes the argmax of the
// row as it is; otherwise the row is copied to a scratch buffer (NaN -> -inf) and penalised;
// greedy takes the argmax; otherwise a radix select finds the top_k
// (<= 1024) logits, a bitonic sort orders them as the host does (logit descending, then id)
// and top-p, min-p, temperature, softmax and the draw run with one candidate per thread,
// in double where the host uses double and with the host's float roundings (no FMA
// contraction). Sums run in a tree rather than in sequence, the one difference from the host.
#include <algorithm>
#include <cstdint>

#include "cuda_check.h"
#include "device_context.h"
#include "kernel_registry.h"

namespace loka::cuda {
namespace {

constexpr int kThreads = 1024;  // 32 warps: the reductions below rely on it
constexpr int kMaxTopK = 1024;

struct Shared {
  double d[32];
  int32_t i[32];
  uint32_t u[32];
  uint32_t hist[256];
  uint32_t total, remaining, digit;
  float logit[kMaxTopK];
  int32_t id[kMaxTopK];
};

// Larger floats give larger keys; zeros are +0 by now (canonical), so -0 and +0 tie as on
// the host.
__device__ __forceinline__ uint32_t order_key(float f) {
  const uint32_t b = __float_as_uint(f);
  return (b & 0x80000000u) ? ~b : (b | 0x80000000u);
}

__device__ __forceinline__ float canonical(float v) {
  return isnan(v) ? -INFINITY : (v == 0.0f ? 0.0f : v);
}

__device__ double block_sum(double v, Shared& sh) {
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  __syncthreads();
  if ((threadIdx.x & 31) == 0) sh.d[threadIdx.x >> 5] = v;
  __syncthreads();
  v = sh.d[threadIdx.x & 31];
  for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
  return v;
}

/// The largest v over the block, to every thread.
__device__ unsigned long long block_max(unsigned long long v) {
  __shared__ unsigned long long warp_maxima[32];
  for (int o = 16; o > 0; o >>= 1) v = max(v, __shfl_xor_sync(0xffffffffu, v, o));
  __syncthreads();
  if ((threadIdx.x & 31) == 0) warp_maxima[threadIdx.x >> 5] = v;
  __syncthreads();
  v = warp_maxima[threadIdx.x & 31];
  for (int o = 16; o > 0; o >>= 1) v = max(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}

/// Whether any penalty changes the logits.
__host__ __device__ __forceinline__ bool penalised(const SampleParams& p) {
  return p.repeat_penalty != 1.0f || p.presence_penalty != 0.0f || p.frequency_penalty != 0.0f;
}

__device__ int32_t block_min(int32_t v, Shared& sh) {
  for (int o = 16; o > 0; o >>= 1) v = min(v, __shfl_xor_sync(0xffffffffu, v, o));
  __syncthreads();
  if ((threadIdx.x & 31) == 0) sh.i[threadIdx.x >> 5] = v;
  __syncthreads();
  v = sh.i[threadIdx.x & 31];
  for (int o = 16; o > 0; o >>= 1) v = min(v, __shfl_xor_sync(0xffffffffu, v, o));
  return v;
}

// Inclusive prefix sum in thread order; `buf` is sh.d or sh.u.
template <typename T>
__device__ T block_scan(T v, T* buf) {
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  for (int o = 1; o < 32; o <<= 1) {
    const T up = __shfl_up_sync(0xffffffffu, v, o);
    if (lane >= o) v += up;
  }
  __syncthreads();
  if (lane == 31) buf[warp] = v;
  __syncthreads();
  if (warp == 0) {
    T w = buf[lane];
    for (int o = 1; o < 32; o <<= 1) {
      const T up = __shfl_up_sync(0xffffffffu, w, o);
      if (lane >= o) w += up;
    }
    buf[lane] = w;
  }
  __syncthreads();
  return warp > 0 ? v + buf[warp - 1] : v;
}

__device__ __forceinline__ bool before(float la, int32_t ia, float lb, int32_t ib) {
  return la > lb || (la == lb && ia < ib);
}

// Sorts sh.logit/sh.id[0, n) into the host order; n <= kMaxTopK.
__device__ void sort_candidates(int n, Shared& sh) {
  int n2 = 1;
  while (n2 < n) n2 <<= 1;
  const int t = threadIdx.x;
  __syncthreads();
  if (t >= n && t < n2) {
    sh.logit[t] = -INFINITY;
    sh.id[t] = INT32_MAX;
  }
  for (int size = 2; size <= n2; size <<= 1) {
    for (int stride = size >> 1; stride > 0; stride >>= 1) {
      __syncthreads();
      const int j = t ^ stride;
      if (t < n2 && j > t) {
        const bool ascending_block = (t & size) == 0;
        const float la = sh.logit[t], lb = sh.logit[j];
        const int32_t ia = sh.id[t], ib = sh.id[j];
        if (before(la, ia, lb, ib) != ascending_block) {
          sh.logit[t] = lb;
          sh.id[t] = ib;
          sh.logit[j] = la;
          sh.id[j] = ia;
        }
      }
    }
  }
  __syncthreads();
}

// The host softmax over candidates [0, n) (sorted): this thread's p, 0 past n.
__device__ float softmax_p(int n, Shared& sh) {
  const int t = threadIdx.x;
  const double m = sh.logit[0];
  double w = 0.0;
  if (t < n) {
    const float l = sh.logit[t];
    w = isfinite(m) ? exp(static_cast<double>(l) - m) : (l == m ? 1.0 : 0.0);
  }
  const double sum = block_sum(w, sh);
  return t < n ? static_cast<float>(w / sum) : 0.0f;
}

// The k largest keys of scratch[0, V) into sh.logit/sh.id (ties: the smallest ids), sorted.
__device__ void select_top_k(const float* scratch, int64_t V, int k, Shared& sh) {
  const int t = threadIdx.x;
  uint32_t prefix = 0, mask = 0;
  if (t == 0) sh.remaining = static_cast<uint32_t>(k);
  for (int shift = 24; shift >= 0; shift -= 8) {
    if (t < 256) sh.hist[t] = 0;
    __syncthreads();
    for (int64_t i = t; i < V; i += kThreads) {
      const uint32_t key = order_key(scratch[i]);
      if ((key & mask) == prefix) atomicAdd(&sh.hist[(key >> shift) & 255u], 1u);
    }
    __syncthreads();
    const uint32_t remaining = sh.remaining;
    const uint32_t c = t < 256 ? sh.hist[255 - t] : 0u;  // digits from the top
    const uint32_t incl = block_scan<uint32_t>(c, sh.u);
    __syncthreads();
    if (t < 256 && incl >= remaining && incl - c < remaining) {
      sh.digit = 255u - t;
      sh.remaining = remaining - (incl - c);
    }
    __syncthreads();
    prefix |= sh.digit << shift;
    mask |= 255u << shift;
  }
  const uint32_t threshold = prefix, ties = sh.remaining, above = k - ties;
  // Gather in index order: every key above the threshold, then the first `ties` equal ones.
  uint32_t seen_above = 0, seen_equal = 0;
  for (int64_t base = 0; base < V; base += kThreads) {
    const int64_t i = base + t;
    const float l = i < V ? scratch[i] : 0.0f;
    const uint32_t key = i < V ? order_key(l) : 0u;
    const bool gt = i < V && key > threshold, eq = i < V && key == threshold;
    const uint32_t own = (gt ? 1u : 0u) + (eq ? 1u << 16 : 0u);  // <= 1024 per chunk each
    const uint32_t incl = block_scan<uint32_t>(own, sh.u);
    if (t == kThreads - 1) sh.total = incl;
    const uint32_t ex = incl - own;
    if (gt) {
      const uint32_t slot = seen_above + (ex & 0xffffu);
      sh.logit[slot] = l;
      sh.id[slot] = static_cast<int32_t>(i);
    }
    if (eq && seen_equal + (ex >> 16) < ties) {
      const uint32_t slot = above + seen_equal + (ex >> 16);
      sh.logit[slot] = l;
      sh.id[slot] = static_cast<int32_t>(i);
    }
    __syncthreads();
    seen_above += sh.total & 0xffffu;
    seen_equal += sh.total >> 16;
    __syncthreads();
    if (seen_above == above && seen_equal >= ties) break;
  }
  sort_candidates(k, sh);
}

/// The best candidate of row[begin, end) as (order key, ~index) packed into 64 bits, so that
/// the larger of two packed values is the larger canonical logit, then the smaller index (0:
/// none). Every thread gets it. The row is read 16 bytes at a time where it is aligned, each
/// thread in ascending index order.
__device__ unsigned long long block_best(const float* row, int64_t begin, int64_t end) {
  const int t = threadIdx.x;
  uint32_t best = 0;
  int32_t at = INT32_MAX;
  const auto consider = [&](float v, int64_t i) {
    const uint32_t key = order_key(canonical(v));
    if (at == INT32_MAX || key > best) {
      best = key;
      at = static_cast<int32_t>(i);
    }
  };
  const bool aligned = reinterpret_cast<uintptr_t>(row) % 16 == 0 && begin % 4 == 0;
  const int64_t vec_end = aligned ? begin + (end - begin) / 4 * 4 : begin;
#pragma unroll 4
  for (int64_t q = begin / 4 + t; q < vec_end / 4; q += kThreads) {
    const float4 v = __ldg(reinterpret_cast<const float4*>(row) + q);
    consider(v.x, 4 * q);
    consider(v.y, 4 * q + 1);
    consider(v.z, 4 * q + 2);
    consider(v.w, 4 * q + 3);
  }
  for (int64_t i = vec_end + t; i < end; i += kThreads) consider(row[i], i);
  return block_max(at == INT32_MAX ? 0ull
                                   : (static_cast<unsigned long long>(best) << 32) |
                                         (0xffffffffu - static_cast<uint32_t>(at)));
}

__device__ __forceinline__ int32_t best_index(unsigned long long packed) {
  return static_cast<int32_t>(0xffffffffu - static_cast<uint32_t>(packed & 0xffffffffull));
}

/// The first index of the largest canonical(row[i]) (ties to the smallest id), to *out.
__device__ void block_argmax(const float* row, int64_t V, int32_t* out) {
  const unsigned long long packed = block_best(row, 0, V);
  if (threadIdx.x == 0) *out = best_index(packed);
}

/// Greedy without penalties over many blocks: each block takes a slice of the row and leaves
/// its best in partial[block]; the last block to finish (counter) picks the best of those.
/// The same answer as block_argmax (the packed maximum is order-independent).
__global__ void __launch_bounds__(kThreads)
    greedy_kernel(const float* logits, int64_t V, int64_t per_block, unsigned long long* partial,
                  unsigned int* counter, int32_t* out) {
  const int64_t begin = int64_t{blockIdx.x} * per_block;
  const unsigned long long mine = block_best(logits, begin, min(V, begin + per_block));
  __shared__ bool last_block;
  if (threadIdx.x == 0) {
    partial[blockIdx.x] = mine;
    __threadfence();
    last_block = atomicAdd(counter, 1u) == gridDim.x - 1;
    if (last_block) *counter = 0;  // ready for the next launch
  }
  __syncthreads();
  if (!last_block) return;
  __threadfence();
  unsigned long long best = 0;
  for (unsigned b = threadIdx.x; b < gridDim.x; b += kThreads) best = max(best, __ldcg(partial + b));
  best = block_max(best);
  if (threadIdx.x == 0) *out = best_index(best);
}

__global__ void __launch_bounds__(kThreads)
    sample_kernel(const float* logits, int64_t V, const int32_t* table, int32_t P, SampleParams p,
                  float* scratch, int32_t* out) {
  __shared__ Shared sh;
  const int t = threadIdx.x;
  if (p.temperature <= 0.0f && !penalised(p)) {  // greedy on the row as it is: no scratch copy
    block_argmax(logits, V, out);
    return;
  }
  for (int64_t i = t; i < V; i += kThreads) scratch[i] = canonical(logits[i]);
  __syncthreads();
  if (penalised(p)) {
    for (int32_t j = t; j < P; j += kThreads) {  // distinct ids: one writer per element
      const int32_t id = table[2 * j], count = table[2 * j + 1];
      float l = scratch[id];
      l = l > 0.0f ? __fdiv_rn(l, p.repeat_penalty) : __fmul_rn(l, p.repeat_penalty);
      l = __fsub_rn(l, __fadd_rn(__fmul_rn(static_cast<float>(count), p.frequency_penalty),
                                 p.presence_penalty));
      scratch[id] = canonical(l);
    }
    __syncthreads();
  }
  if (p.temperature <= 0.0f) {
    block_argmax(scratch, V, out);
    return;
  }
  const int k = static_cast<int>(V < p.top_k ? V : static_cast<int64_t>(p.top_k));
  select_top_k(scratch, V, k, sh);
  int n = k;
  if (p.top_p < 1.0f) {
    const float pr = softmax_p(n, sh);
    const double cum = block_scan<double>(t < n ? static_cast<double>(pr) : 0.0, sh.d);
    const int32_t first = block_min(t < n && cum >= static_cast<double>(p.top_p) ? t : n, sh);
    n = max(first < n ? first + 1 : n, 1);
  }
  if (p.min_p > 0.0f) {
    const float pr = softmax_p(n, sh);
    __syncthreads();
    if (t == 0) sh.d[0] = static_cast<double>(pr) * p.min_p;
    __syncthreads();
    const double threshold = sh.d[0];
    const int32_t first =
        block_min(t >= 1 && t < n && !(static_cast<double>(pr) >= threshold) ? t : n, sh);
    n = first;
  }
  __syncthreads();
  if (t < n) sh.logit[t] = __fdiv_rn(sh.logit[t], p.temperature);
  sort_candidates(n, sh);  // the division may tie neighbours whose ids are out of order
  const float pr = softmax_p(n, sh);
  const double sum = block_sum(t < n ? static_cast<double>(pr) : 0.0, sh);
  const double cum = block_scan<double>(t < n ? static_cast<double>(pr) : 0.0, sh.d);
  const int32_t first = block_min(t < n && p.u * sum < cum ? t : n, sh);
  if (t == 0) *out = sh.id[first < n ? first : n - 1];
}

bool supports_sample(const OpNode& n) {
  if (n.src.size() != 2 || n.dst.size() != 2 || !std::holds_alternative<SampleParams>(n.params)) {
    return false;
  }
  const SampleParams& p = std::get<SampleParams>(n.params);
  if (!(p.temperature <= 0.0f || (p.top_k >= 1 && p.top_k <= kMaxTopK))) return false;
  const Tensor &logits = n.src[0], &table = n.src[1], &token = n.dst[0], &scratch = n.dst[1];
  return logits.dtype() == DType::kF32 && logits.ndim() == 1 && logits.numel() >= 1 &&
         logits.numel() <= INT32_MAX && table.dtype() == DType::kI32 && table.ndim() == 2 &&
         table.dim(1) == 2 && table.dim(0) <= INT32_MAX && token.dtype() == DType::kI32 &&
         token.numel() == 1 && scratch.dtype() == DType::kF32 && scratch.numel() == logits.numel() &&
         scratch.is_contiguous();
}

// Greedy without penalties: the row split over blocks of at least kGreedySlice logits, the
// blocks' bests kept in the op's scratch row.
constexpr int64_t kGreedySlice = 4 * kThreads;

bool launch_greedy(const OpNode& n, DeviceContext& ctx) {
  const SampleParams& p = std::get<SampleParams>(n.params);
  const Tensor &logits = n.src[0], &scratch = n.dst[1];
  const int64_t V = logits.numel();
  const int64_t blocks = std::min<int64_t>((V + kGreedySlice - 1) / kGreedySlice, ctx.sm_count());
  if (p.temperature > 0.0f || penalised(p) || blocks < 2 || reinterpret_cast<uintptr_t>(scratch.data()) % 8 != 0) {
    return false;
  }
  const int64_t per_block = (V + blocks - 1) / blocks + 3 & ~int64_t{3};  // 16-byte slices
  greedy_kernel<<<static_cast<unsigned>(blocks), kThreads, 0, ctx.stream()>>>(
      logits.data_as<const float>(), V, per_block, static_cast<unsigned long long*>(scratch.data()),
      ctx.block_counters(), n.dst[0].data_as<int32_t>());
  LOKA_CUDA_LAUNCHED();
  return true;
}

void run_sample(const OpNode& n, DeviceContext& ctx) {
  if (launch_greedy(n, ctx)) return;
  const Tensor &logits = n.src[0], &table = n.src[1];
  sample_kernel<<<1, kThreads, 0, ctx.stream()>>>(
      logits.data_as<const float>(), logits.numel(), table.data_as<const int32_t>(),
      static_cast<int32_t>(table.dim(0)), std::get<SampleParams>(n.params),
      n.dst[1].data_as<float>(), n.dst[0].data_as<int32_t>());
  LOKA_CUDA_LAUNCHED();
}

}  // namespace

LOKA_REGISTER_CUDA_KERNEL(OpKind::kSample, supports_sample, run_sample);

}  // namespace loka::cuda

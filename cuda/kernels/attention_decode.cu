// Decode attention (one query per head): blocks over (key/value head, key split). Each warp
// walks its keys four (or two) at a time with all their loads in flight, scoring them against
// every query head of the group (a key/value row is read once for the group; the scores'
// warp reductions interleaved), with one online-softmax update per head and step. Each block
// merges its warps in one pass per few heads. The splits of a key/value head then merge in the
// same launch: on Hopper inside a thread block cluster (each block's partial result stays in
// its shared memory, read by the others), elsewhere through global memory, where the last
// block to finish (a counter in the context) merges them.
#include <cooperative_groups.h>

#include <algorithm>
#include <atomic>

#include "attention_decode.h"
#include "common.cuh"
#include "cuda_check.h"
#include "dependent_launch.cuh"
#include "device_context.h"

namespace loka::cuda {
namespace {

constexpr int kWarps = 8;
constexpr int kMaxSplits = 256;
constexpr int kMaxDevices = 64;

struct Args {
  AttentionDecodeArgs op;
  int splits;
  float* partial;          // [hq, splits, d + 2]: acc, max, sum
  unsigned int* counters;  // [hkv], zero between launches
};

template <int PL>
__device__ __forceinline__ void load_row(const void* p, int dt, int64_t base, float (&r)[PL]) {
  const int lane = threadIdx.x & 31;
#pragma unroll
  for (int j = 0; j < PL; ++j) r[j] = load_float(p, dt, base + lane + 32 * j);
}

/// Keys a warp scores per step: four while the registers allow it, else two.
template <int G, int PL>
constexpr int keys_per_step() {
  return G * PL <= 16 ? 4 : 2;
}

/// The keys [begin, end) of one key/value head against its G query heads: per head, the
/// maximum score, the sum of exp(score - max) and the unnormalised output, merged over the
/// block's warps and handed to sink(g, c, output[c], max, sum) for each column c (one thread a
/// column; all threads of the block call this).
template <int G, int PL, typename Sink>
__device__ __forceinline__ void attend_keys(const AttentionDecodeArgs& o, int64_t kvh,
                                            int64_t begin, int64_t end, Sink&& sink) {
  constexpr int D = 32 * PL;
  constexpr int U = keys_per_step<G, PL>();
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  float qr[G][PL], acc[G][PL], m[G], l[G];
#pragma unroll
  for (int g = 0; g < G; ++g) {
    load_row(o.q, o.qdt, (kvh * G + g) * D, qr[g]);
#pragma unroll
    for (int j = 0; j < PL; ++j) acc[g][j] = 0.0f;
    m[g] = -INFINITY;
    l[g] = 0.0f;
  }
  // U keys per step, all their loads in flight; every head's U scores reduced together, then
  // one online-softmax update per head for the step.
  for (int64_t s0 = begin + warp; s0 < end; s0 += U * kWarps) {
    float kr[U][PL], vr[U][PL], dot[U][G];
    bool valid[U];
#pragma unroll
    for (int u = 0; u < U; ++u) {
      const int64_t s = s0 + int64_t{u} * kWarps;
      valid[u] = s < end;  // warp-uniform
      if (valid[u]) {
        load_row(o.k, o.kdt, (s * o.hkv + kvh) * D, kr[u]);
        load_row(o.v, o.vdt, (s * o.hkv + kvh) * D, vr[u]);
      } else {
#pragma unroll
        for (int j = 0; j < PL; ++j) kr[u][j] = vr[u][j] = 0.0f;
      }
    }
#pragma unroll
    for (int u = 0; u < U; ++u) {
#pragma unroll
      for (int g = 0; g < G; ++g) {
        float d = 0.0f;
#pragma unroll
        for (int j = 0; j < PL; ++j) d += qr[g][j] * kr[u][j];
        dot[u][g] = d * o.scale;  // scaled here, so that nothing waits on q before the keys load
      }
    }
#pragma unroll
    for (int off = 16; off > 0; off >>= 1) {
#pragma unroll
      for (int u = 0; u < U; ++u) {
#pragma unroll
        for (int g = 0; g < G; ++g) dot[u][g] += __shfl_xor_sync(0xffffffffu, dot[u][g], off);
      }
    }
#pragma unroll
    for (int g = 0; g < G; ++g) {
      float m_new = m[g];
#pragma unroll
      for (int u = 0; u < U; ++u) m_new = valid[u] ? fmaxf(m_new, dot[u][g]) : m_new;
      const float correction = expf(m[g] - m_new);
      l[g] *= correction;
#pragma unroll
      for (int j = 0; j < PL; ++j) acc[g][j] *= correction;
#pragma unroll
      for (int u = 0; u < U; ++u) {
        const float p = valid[u] ? expf(dot[u][g] - m_new) : 0.0f;
        l[g] += p;
#pragma unroll
        for (int j = 0; j < PL; ++j) acc[g][j] += p * vr[u][j];
      }
      m[g] = m_new;
    }
  }

  // Merge the block's warps into this split's partial result, HP heads per pass.
  constexpr int HP = G < 512 / D ? G : (512 / D > 0 ? 512 / D : 1);
  __shared__ float sm[kWarps][G], sl[kWarps][G], sacc[kWarps][HP * D];
  if (lane == 0) {
#pragma unroll
    for (int g = 0; g < G; ++g) {
      sm[warp][g] = m[g];
      sl[warp][g] = l[g];
    }
  }
#pragma unroll
  for (int g0 = 0; g0 < G; g0 += HP) {
#pragma unroll
    for (int h = 0; h < HP; ++h) {
#pragma unroll
      for (int j = 0; j < PL; ++j) sacc[warp][h * D + lane + 32 * j] = acc[g0 + h][j];
    }
    __syncthreads();
    for (int i = threadIdx.x; i < HP * D; i += 32 * kWarps) {
      const int g = g0 + i / D, c = i % D;
      float mm = -INFINITY;
#pragma unroll
      for (int w = 0; w < kWarps; ++w) mm = fmaxf(mm, sm[w][g]);
      float ll = 0.0f, r = 0.0f;
#pragma unroll
      for (int w = 0; w < kWarps; ++w) {
        const float e = sm[w][g] == -INFINITY ? 0.0f : expf(sm[w][g] - mm);
        ll += sl[w][g] * e;
        r += sacc[w][i] * e;
      }
      sink(g, c, r, mm, ll);
    }
    __syncthreads();
  }
}

/// Where split `split` of `splits` starts and ends: the length is read on the device.
template <int G, int PL>
__device__ __forceinline__ void key_range(const AttentionDecodeArgs& o, int splits, int split,
                                          int64_t& begin, int64_t& end) {
  constexpr int U = keys_per_step<G, PL>();
  const int64_t len = o.kv_len == nullptr ? o.s : min(max(int64_t(*o.kv_len), int64_t(0)), o.s);
  const int64_t split_len = max(int64_t(U * kWarps), (len + splits - 1) / splits);
  begin = min(split * split_len, len);
  end = min(begin + split_len, len);
}

/// Without clusters: each block writes its split's partial result to global memory and the
/// last block of a key/value head to finish (a counter in the context) merges the splits.
template <int G, int PL>
__global__ void __launch_bounds__(32 * kWarps) attention_decode_kernel(const Args a) {
  constexpr int D = 32 * PL;
  const AttentionDecodeArgs& o = a.op;
  const int64_t kvh = blockIdx.x;
  const int split = blockIdx.y;
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
  int64_t begin, end;
  key_range<G, PL>(o, a.splits, split, begin, end);
  attend_keys<G, PL>(o, kvh, begin, end, [&](int g, int c, float r, float mm, float ll) {
    float* out = a.partial + ((kvh * G + g) * a.splits + split) * (D + 2);
    out[c] = r;
    if (c == 0) {
      out[D] = mm;
      out[D + 1] = ll;
    }
  });

  __shared__ bool last_block;
  __shared__ float scale_of[G][kMaxSplits];
  __shared__ float total_of[G];
  __threadfence();
  __syncthreads();
  if (threadIdx.x == 0) {
    last_block = atomicAdd(&a.counters[kvh], 1u) == static_cast<unsigned>(a.splits - 1);
    if (last_block) a.counters[kvh] = 0;  // ready for the next launch
  }
  __syncthreads();
  if (!last_block) return;
  __threadfence();
  for (int g = warp; g < G; g += kWarps) {
    // One pass over the splits' (max, sum) pairs: each lane keeps its splits' running max and
    // rescaled sum, the warp combines them, and the maxima wait in shared memory to become
    // the splits' weights.
    const float* part = a.partial + (kvh * G + g) * a.splits * (D + 2);
    float lane_max = -INFINITY, lane_sum = 0.0f;
    for (int sp = lane; sp < a.splits; sp += 32) {
      const float ms = __ldcg(part + sp * (D + 2) + D), ls = __ldcg(part + sp * (D + 2) + D + 1);
      scale_of[g][sp] = ms;
      if (ms > lane_max) {
        lane_sum = lane_sum * expf(lane_max - ms) + ls;
        lane_max = ms;
      } else if (ms != -INFINITY) {
        lane_sum += ls * expf(ms - lane_max);
      }
    }
    const float mm = warp_max(lane_max);
    const float ll = warp_sum(lane_max == -INFINITY ? 0.0f : lane_sum * expf(lane_max - mm));
    for (int sp = lane; sp < a.splits; sp += 32) {
      const float ms = scale_of[g][sp];
      scale_of[g][sp] = ms == -INFINITY ? 0.0f : expf(ms - mm);
    }
    if (lane == 0) total_of[g] = ll;
  }
  __syncthreads();
  for (int i = threadIdx.x; i < G * D; i += 32 * kWarps) {
    const int g = i / D, c = i % D;
    const float* part = a.partial + (kvh * G + g) * a.splits * (D + 2);
    float r = 0.0f;
#pragma unroll 16  // the splits' loads in flight together: this loop is the op's critical path
    for (int sp = 0; sp < a.splits; ++sp) r += __ldcg(part + sp * (D + 2) + c) * scale_of[g][sp];
    const float ll = total_of[g];
    store_float(o.out, o.odt, (kvh * G + g) * D + c, ll > 0.0f ? r / ll : 0.0f);  // no key: zeros
  }
}

/// With a thread block cluster per key/value head (Hopper): the splits' partial results stay
/// in their blocks' shared memory and each block merges a share of the columns from all of
/// them (distributed shared memory), so nothing goes through global memory or a counter.
template <int G, int PL>
__global__ void __launch_bounds__(32 * kWarps) attention_decode_cluster_kernel(const AttentionDecodeArgs o) {
#if __CUDA_ARCH__ >= 900
  // The next kernel's blocks are placed beside these (letting it start only after the keys
  // measured the same); q, this step's key/value row and kv_len come from earlier kernels.
  let_next_kernel_start();
  wait_for_previous_kernel();
  constexpr int D = 32 * PL;
  namespace cg = cooperative_groups;
  const cg::cluster_group cluster = cg::this_cluster();
  const int splits = static_cast<int>(cluster.num_blocks()), split = static_cast<int>(cluster.block_rank());
  const int64_t kvh = blockIdx.y;
  __shared__ float part_acc[G * D], part_max[G], part_sum[G];
  int64_t begin, end;
  key_range<G, PL>(o, splits, split, begin, end);
  attend_keys<G, PL>(o, kvh, begin, end, [&](int g, int c, float r, float mm, float ll) {
    part_acc[g * D + c] = r;
    if (c == 0) {
      part_max[g] = mm;
      part_sum[g] = ll;
    }
  });
  cluster.sync();  // every split's partial result is in place
  const int share = (G * D + splits - 1) / splits;
  for (int i = split * share + threadIdx.x; i < min(G * D, (split + 1) * share); i += 32 * kWarps) {
    const int g = i / D;
    float mm = -INFINITY;
    for (int sp = 0; sp < splits; ++sp) mm = fmaxf(mm, *cluster.map_shared_rank(&part_max[g], sp));
    float ll = 0.0f, r = 0.0f;
    for (int sp = 0; sp < splits; ++sp) {
      const float ms = *cluster.map_shared_rank(&part_max[g], sp);
      const float e = ms == -INFINITY ? 0.0f : expf(ms - mm);
      ll += *cluster.map_shared_rank(&part_sum[g], sp) * e;
      r += *cluster.map_shared_rank(&part_acc[i], sp) * e;
    }
    store_float(o.out, o.odt, kvh * G * D + i, ll > 0.0f ? r / ll : 0.0f);  // no key: zeros
  }
  cluster.sync();  // no block leaves while another reads its shared memory
#endif
}

// A launch of clusters of `c` splits, one per key/value head; `attr` holds the cluster size
// for as long as the config is used.
cudaLaunchConfig_t cluster_launch(int c, int64_t hkv, cudaStream_t stream, cudaLaunchAttribute& attr) {
  attr = {};
  attr.id = cudaLaunchAttributeClusterDimension;
  attr.val.clusterDim.x = static_cast<unsigned>(c);
  attr.val.clusterDim.y = attr.val.clusterDim.z = 1;
  cudaLaunchConfig_t cfg{};
  cfg.gridDim = dim3(static_cast<unsigned>(c), static_cast<unsigned>(hkv));
  cfg.blockDim = dim3(32 * kWarps);
  cfg.stream = stream;
  cfg.attrs = &attr;
  cfg.numAttrs = 1;
  return cfg;
}

// The largest cluster of splits (16, 8, 4 or 2 blocks, at most `most`) of which all hkv fit
// on the device at once, with the clusters together covering at least half its SMs; 0 if none.
template <int G, int PL>
int cluster_splits(const AttentionDecodeArgs& op, DeviceContext& ctx, int64_t most) {
  if (ctx.compute_major() < 9) return 0;
  constexpr int kSizes[] = {16, 8, 4, 2};
  // Clusters of each size that fit at once, per device (+1; 0 = not asked yet).
  static std::atomic<int> fitting[kMaxDevices][4];
  const auto kernel = attention_decode_cluster_kernel<G, PL>;
  for (int i = 0; i < 4; ++i) {
    const int c = kSizes[i];
    if (c > most) continue;
    if (int64_t{c} * op.hkv < ctx.sm_count() / 2 || ctx.device() >= kMaxDevices) return 0;
    std::atomic<int>& fit = fitting[ctx.device()][i];
    if (fit.load() == 0) {
      if (c > 8) LOKA_CUDA(cudaFuncSetAttribute(kernel, cudaFuncAttributeNonPortableClusterSizeAllowed, 1));
      cudaLaunchAttribute attr;
      const cudaLaunchConfig_t cfg = cluster_launch(c, op.hkv, nullptr, attr);
      int n = 0;
      if (cudaOccupancyMaxActiveClusters(&n, kernel, &cfg) != cudaSuccess) {
        cudaGetLastError();  // not sticky: this size is just not available
        n = 0;
      }
      fit.store(n + 1);
    }
    if (fit.load() - 1 >= op.hkv) return c;
  }
  return 0;
}

template <int G, int PL>
void launch(const AttentionDecodeArgs& op, DeviceContext& ctx) {
  const int64_t most = std::max<int64_t>(1, (op.s + 4 * kWarps - 1) / (4 * kWarps));  // >= 4 keys a warp
  if (const int c = cluster_splits<G, PL>(op, ctx, most); c > 0) {
    cudaLaunchAttribute attrs[2];
    cudaLaunchConfig_t cfg = cluster_launch(c, op.hkv, ctx.stream(), attrs[0]);
    if (overlap_previous_kernel(ctx, attrs[1])) {
      cfg.attrs = attrs;
      cfg.numAttrs = 2;
    }
    LOKA_CUDA(cudaLaunchKernelEx(&cfg, attention_decode_cluster_kernel<G, PL>, op));
    return;
  }
  // About one block per SM over the key/value heads.
  const int64_t want = (int64_t(ctx.sm_count()) + op.hkv - 1) / op.hkv;
  Args a{op, static_cast<int>(std::clamp<int64_t>(want, 1, std::min<int64_t>(most, kMaxSplits))),
         nullptr, ctx.block_counters()};
  Tensor partial = ctx.temp(DType::kF32, {op.hq * a.splits * (op.d + 2)});
  a.partial = partial.data_as<float>();
  const dim3 grid(static_cast<unsigned>(op.hkv), static_cast<unsigned>(a.splits));
  attention_decode_kernel<G, PL><<<grid, 32 * kWarps, 0, ctx.stream()>>>(a);
  LOKA_CUDA_LAUNCHED();
}

template <int G>
void launch_for_head_size(const AttentionDecodeArgs& op, DeviceContext& ctx) {
  switch (op.d) {
    case 64: launch<G, 2>(op, ctx); break;
    case 128: launch<G, 4>(op, ctx); break;
    default: launch<G, 8>(op, ctx); break;
  }
}

}  // namespace

bool attention_decode_supported(int64_t d, int64_t dv, int64_t hq, int64_t hkv) {
  const int64_t g = hkv > 0 ? hq / hkv : 0;
  return d == dv && (d == 64 || d == 128 || d == 256) && hkv > 0 && hq % hkv == 0 &&
         (g == 1 || g == 2 || g == 4 || g == 8) && hkv <= kBlockCounterCount && hkv <= 65535;
}

void attention_decode(const AttentionDecodeArgs& op, DeviceContext& ctx) {
  switch (op.hq / op.hkv) {
    case 1: launch_for_head_size<1>(op, ctx); break;
    case 2: launch_for_head_size<2>(op, ctx); break;
    case 4: launch_for_head_size<4>(op, ctx); break;
    default: launch_for_head_size<8>(op, ctx); break;
  }
}

}  // namespace loka::cuda

// fused_matvec (ops/fused_matvec.h): the decode GEMV of gemv.cu for one activation row, with
// the RMSNorm folded in (x / rms(x) * g: the sum of squares accumulates beside the products
// from the same loads and scales the sums at the end) and an epilogue on the products. Each
// block of 128 threads computes four weight rows, chosen so that the epilogue has what it
// combines: adjacent rows for a plain store or the residual add; rows i, i+1 of the gate and
// the same of the up half for SwiGLU; the two halves of two rotation pairs of a head for RoPE.
#include <algorithm>
#include <type_traits>
#include <vector>

#include "common.cuh"
#include "cuda_check.h"
#include "dependent_launch.cuh"
#include "device_context.h"
#include "kernel_registry.h"
#include "ops/rope.h"
#include "rope_angle.cuh"
#include "weight_vec.cuh"

namespace loka::cuda {
namespace {

constexpr int kThreadsPerBlock = 128;
constexpr int kCols = 4;  // weight rows per quad: the unit an epilogue combines

struct FusedGemvArgs {
  int64_t n, k;
  const float* x;       // [k]
  const void* w;        // [n, k]
  const float* norm_w;  // [k], null: no norm
  float eps;
  const float* bias;    // [n], null: none
  void* out;            // see ops::FusedMatVec::out
  int odt;
  // kRopeKv
  const int32_t* positions;
  void* k_table;
  void* v_table;
  int tdt;
  int64_t capacity, q_heads, kv_heads, head_dim;
  int64_t quads;  // quads of rows in all (a block's last quad may pass it)
  bool neox;
  float rope_scale;
  DeviceErrorRecord* err;
  double inv_freq[kRopeMaxHalf];
};

// The weight rows of block b (may pass n: those are computed from row n - 1 and dropped).
template <MatVecEpilogue E>
__device__ __forceinline__ void block_rows(const FusedGemvArgs& a, int64_t b, int64_t* rows) {
  if constexpr (E == MatVecEpilogue::kSwiGLU) {
    const int64_t f = a.n / 2;
    rows[0] = 2 * b, rows[1] = 2 * b + 1, rows[2] = f + 2 * b, rows[3] = f + 2 * b + 1;
  } else if constexpr (E == MatVecEpilogue::kRopeKv) {
    const int64_t d = a.head_dim, per_head = d / 4, rotated = (a.q_heads + a.kv_heads) * per_head;
    if (b < rotated) {
      // 32-bit division (a block index and a quarter head): no call to the 64-bit routine
      const int block = static_cast<int>(b), quarter = static_cast<int>(per_head);
      const int64_t base = int64_t{block / quarter} * d, j = block % quarter;
      if (a.neox) {
        rows[0] = base + 2 * j, rows[1] = base + 2 * j + 1;
        rows[2] = base + d / 2 + 2 * j, rows[3] = base + d / 2 + 2 * j + 1;
      } else {
        for (int c = 0; c < kCols; ++c) rows[c] = base + 4 * j + c;
      }
    } else {
      for (int c = 0; c < kCols; ++c) rows[c] = rotated * 4 + 4 * (b - rotated) + c;
    }
  } else {
    for (int c = 0; c < kCols; ++c) rows[c] = kCols * b + c;
  }
}

/// a[i] for an index known only at run time, by selects rather than by address (an indexed
/// array would be placed in local memory, a stack store per thread of every block).
template <typename T, int N>
__device__ __forceinline__ T pick(const T (&a)[N], int i) {
  T r = a[0];
#pragma unroll
  for (int k = 1; k < N; ++k) r = i == k ? a[k] : r;
  return r;
}

// Where row `row` of y goes in kRopeKv, at cache row pos.
__device__ __forceinline__ void store_qkv(const FusedGemvArgs& a, int64_t pos, int64_t row, float v) {
  const int64_t q_width = a.q_heads * a.head_dim, kv_width = a.kv_heads * a.head_dim;
  if (row < q_width) {
    store_float(a.out, a.odt, row, v);
  } else if (row < q_width + kv_width) {
    store_float(a.k_table, a.tdt, pos * kv_width + row - q_width, v);
  } else {
    store_float(a.v_table, a.tdt, pos * kv_width + row - q_width - kv_width, v);
  }
}

// Part `part` (0 .. kCols - 1, one thread each, so the loads and stores of the parts overlap)
// of block b's epilogue on its rows' results y; `old` is out[rows[part]] for kAccumulate (read
// before the products, so its latency hides behind them).
template <MatVecEpilogue E>
__device__ __forceinline__ void epilogue(const FusedGemvArgs& a, int64_t b, int part, const int64_t (&rows)[kCols],
                                         const float (&y)[kCols + 1], float old) {
  if constexpr (E == MatVecEpilogue::kStore || E == MatVecEpilogue::kAccumulate) {
    const int64_t row = pick(rows, part);
    if (row < a.n) store_float(a.out, a.odt, row, old + pick(y, part));
  } else if constexpr (E == MatVecEpilogue::kSwiGLU) {
    const int64_t row = pick(rows, part);
    if (part >= 2 || row >= a.n / 2) return;
    const float g = pick(y, part);
    store_float(a.out, a.odt, row, g / (1.0f + expf(-g)) * pick(y, 2 + part));
  } else {
    const int64_t pos = a.positions[0];
    const bool writes_cache = rows[0] >= a.q_heads * a.head_dim;
    if (writes_cache && (pos < 0 || pos >= a.capacity)) {
      if (part == 0 && atomicCAS(&a.err->code, 0, kDeviceErrorCachePosition) == 0) {
        a.err->value = static_cast<int32_t>(pos);
        a.err->index = 0;
        a.err->limit = a.capacity;
      }
      return;
    }
    const int64_t d = a.head_dim, rotated = (a.q_heads + a.kv_heads) * (d / 4);
    if (b >= rotated) {  // v: as it is
      store_qkv(a, pos, pick(rows, part), pick(y, part));
      return;
    }
    // Pair t = part (0, 1) uses frequency 2j + t; neox pairs rows (t, t + 2), interleaved
    // (2t, 2t + 1).
    if (part >= 2) return;
    const int j = static_cast<int>(b) % static_cast<int>(d / 4);
    const int i0 = a.neox ? part : 2 * part, i1 = a.neox ? part + 2 : 2 * part + 1;
    float cs, sn;
    rope_cos_sin(static_cast<double>(pos), a.inv_freq[2 * j + part], a.rope_scale, &cs, &sn);
    const float x0 = pick(y, i0), x1 = pick(y, i1);
    store_qkv(a, pos, pick(rows, i0), x0 * cs - x1 * sn);
    store_qkv(a, pos, pick(rows, i1), x1 * cs + x0 * sn);
  }
}

// A block computes Q quads of rows (Q = 2 halves the blocks of a GEMV that would otherwise
// need a second, mostly idle wave of blocks).
template <typename W, MatVecEpilogue E, bool kNorm, int Q>
__global__ void __launch_bounds__(kThreadsPerBlock) fused_gemv_kernel(const FusedGemvArgs a) {
  constexpr int kE = WeightVec<W>::kElems;
  constexpr int R = Q * kCols;  // rows per block
  int64_t rows[R];
#pragma unroll
  for (int q = 0; q < Q; ++q) block_rows<E>(a, int64_t{blockIdx.x} * Q + q, rows + q * kCols);
  const uint4* w[R];
#pragma unroll
  for (int c = 0; c < R; ++c) {
    w[c] = reinterpret_cast<const uint4*>(static_cast<const W*>(a.w) + min(rows[c], a.n - 1) * a.k);
  }
  // Placed while the previous kernel finishes (its last wave); everything from here on waits
  // for it: x, out and the KV cache come from earlier kernels, and the weights' loads are
  // better after the wait too (prefetching the first ones to L2 before it was slower: 180.9
  // against 183.9 tokens/s).
  let_next_kernel_start();
  wait_for_previous_kernel();
  float acc[R] = {}, squares = 0.0f;
  float old = 0.0f;  // this thread's part of out, for kAccumulate
  if (E == MatVecEpilogue::kAccumulate && threadIdx.x < R && pick(rows, threadIdx.x) < a.n) {
    old = load_float(a.out, a.odt, pick(rows, threadIdx.x));
  }
  const int64_t vecs = a.k / kE;
#pragma unroll(Q == 1 ? 2 : 1)
  for (int64_t v = threadIdx.x; v < vecs; v += kThreadsPerBlock) {
    uint4 raw[R];
#pragma unroll
    for (int c = 0; c < R; ++c) raw[c] = load_weights(w[c] + v);
    float xv[kE];
    const float4* xr = reinterpret_cast<const float4*>(a.x + v * kE);
#pragma unroll
    for (int q = 0; q < kE / 4; ++q) {
      const float4 t = xr[q];
      xv[4 * q] = t.x, xv[4 * q + 1] = t.y, xv[4 * q + 2] = t.z, xv[4 * q + 3] = t.w;
    }
    if constexpr (kNorm) {
      const float4* gr = reinterpret_cast<const float4*>(a.norm_w + v * kE);
#pragma unroll
      for (int q = 0; q < kE / 4; ++q) {
        const float4 g = gr[q];
        const float gv[4] = {g.x, g.y, g.z, g.w};
#pragma unroll
        for (int e = 0; e < 4; ++e) {
          squares += xv[4 * q + e] * xv[4 * q + e];
          xv[4 * q + e] *= gv[e];
        }
      }
    }
#pragma unroll
    for (int c = 0; c < R; ++c) {
      float wf[kE];
      WeightVec<W>::to_float(raw[c], wf);
#pragma unroll
      for (int e = 0; e < kE; ++e) acc[c] += wf[e] * xv[e];
    }
  }
  __shared__ float partial[kThreadsPerBlock / 32][R + 1];
  const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
#pragma unroll
  for (int c = 0; c < R; ++c) {
    const float s = warp_sum(acc[c]);
    if (lane == 0) partial[warp][c] = s;
  }
  if constexpr (kNorm) {
    const float sq = warp_sum(squares);
    if (lane == 0) partial[warp][R] = sq;
  }
  __syncthreads();
  if (threadIdx.x >= R) return;
  // Thread i finishes row i: the part i % 4 of its quad's epilogue.
  const int quad = Q == 1 ? 0 : static_cast<int>(threadIdx.x) / kCols;
  const int64_t b = int64_t{blockIdx.x} * Q + quad;
  if (b >= a.quads) return;
  // The quad's four sums over the warps (and the sum of squares in column R).
  float y[kCols + 1] = {}, squares_sum = 0.0f;
#pragma unroll
  for (int p = 0; p < kThreadsPerBlock / 32; ++p) {
#pragma unroll
    for (int c = 0; c < kCols; ++c) y[c] += partial[p][quad * kCols + c];
    if constexpr (kNorm) squares_sum += partial[p][R];
  }
  const float scale = kNorm ? rsqrtf(squares_sum / static_cast<float>(a.k) + a.eps) : 1.0f;
  int64_t quad_rows[kCols];
#pragma unroll
  for (int c = 0; c < kCols; ++c) {
    quad_rows[c] = pick(rows, quad * kCols + c);
    y[c] *= scale;
    if (a.bias != nullptr && quad_rows[c] < a.n) y[c] += a.bias[quad_rows[c]];
  }
  epilogue<E>(a, b, static_cast<int>(threadIdx.x) % kCols, quad_rows, y, old);
}

bool supports_fused_matvec(const OpNode& n) {
  const auto* p = std::get_if<FusedMatVecParams>(&n.params);
  if (p == nullptr || n.src.size() < 2) return false;
  const Tensor &x = n.src[0], &w = n.src[1];
  if (x.dtype() != DType::kF32 || !is_f16ish_or_f32(w.dtype()) || w.ndim() != 2 || x.numel() != w.dim(1)) {
    return false;
  }
  const int64_t elems = w.dtype() == DType::kF32 ? 4 : 8;
  if (w.dim(1) % elems != 0 || !aligned16(x.data()) || !aligned16(w.data())) return false;
  if (p->norm && !aligned16(n.src[2].data())) return false;
  if (!is_f16ish_or_f32(n.dst[0].dtype())) return false;
  if (p->epilogue != MatVecEpilogue::kRopeKv) return true;
  const Tensor& k_table = n.dst[1];
  const int64_t d = k_table.dim(2);
  const int64_t rotary = p->rope.rotary_dim == 0 ? d : p->rope.rotary_dim;
  return rotary == d && d % 4 == 0 && d / 2 <= kRopeMaxHalf && is_f16ish_or_f32(k_table.dtype());
}

// Launched to overlap the previous kernel (dependent_launch.cuh) where the device can.
template <typename W, MatVecEpilogue E, bool kNorm, int Q>
void launch_blocks(const FusedGemvArgs& a, DeviceContext& ctx) {
  cudaLaunchConfig_t cfg{};
  cfg.gridDim = dim3(static_cast<unsigned>((a.quads + Q - 1) / Q));
  cfg.blockDim = dim3(kThreadsPerBlock);
  cfg.stream = ctx.stream();
  cudaLaunchAttribute overlap;
  if (overlap_previous_kernel(ctx, overlap)) {
    cfg.attrs = &overlap;
    cfg.numAttrs = 1;
  }
  LOKA_CUDA(cudaLaunchKernelEx(&cfg, fused_gemv_kernel<W, E, kNorm, Q>, a));
}

/// Blocks of one kernel an SM holds at once (of the first device asked: a heuristic's input).
template <typename W, MatVecEpilogue E, bool kNorm, int Q>
int64_t resident_blocks() {
  static const int64_t held = [] {
    int n = 0;
    if (cudaOccupancyMaxActiveBlocksPerMultiprocessor(&n, fused_gemv_kernel<W, E, kNorm, Q>, kThreadsPerBlock, 0) !=
        cudaSuccess) {
      (void)cudaGetLastError();
      n = 1;
    }
    return std::max<int64_t>(n, 1);
  }();
  return held;
}

// Two quads a block for 16-bit weights when one a block would need a second, mostly idle wave
// of blocks and two a block fit in one (the qkv GEMV of Llama-3-8B: 1536 quads).
template <typename W, MatVecEpilogue E, bool kNorm>
void launch_quads(const FusedGemvArgs& a, DeviceContext& ctx) {
  if constexpr (!std::is_same_v<W, float>) {
    const int64_t sms = ctx.sm_count();
    if (a.quads > sms * resident_blocks<W, E, kNorm, 1>() && (a.quads + 1) / 2 <= sms * resident_blocks<W, E, kNorm, 2>()) {
      launch_blocks<W, E, kNorm, 2>(a, ctx);
      return;
    }
  }
  launch_blocks<W, E, kNorm, 1>(a, ctx);
}

template <typename W, bool kNorm>
void launch(MatVecEpilogue e, const FusedGemvArgs& a, DeviceContext& ctx) {
  switch (e) {
    case MatVecEpilogue::kStore: launch_quads<W, MatVecEpilogue::kStore, kNorm>(a, ctx); break;
    case MatVecEpilogue::kAccumulate: launch_quads<W, MatVecEpilogue::kAccumulate, kNorm>(a, ctx); break;
    case MatVecEpilogue::kSwiGLU: launch_quads<W, MatVecEpilogue::kSwiGLU, kNorm>(a, ctx); break;
    case MatVecEpilogue::kRopeKv: launch_quads<W, MatVecEpilogue::kRopeKv, kNorm>(a, ctx); break;
  }
}

template <typename W>
void launch(MatVecEpilogue e, const FusedGemvArgs& a, DeviceContext& ctx) {
  if (a.norm_w != nullptr) {
    launch<W, true>(e, a, ctx);
  } else {
    launch<W, false>(e, a, ctx);
  }
}

void run_fused_matvec(const OpNode& n, DeviceContext& ctx) {
  const FusedMatVecParams& p = std::get<FusedMatVecParams>(n.params);
  const Tensor &x = n.src[0], &w = n.src[1];
  size_t next = 2;
  FusedGemvArgs a{};
  a.n = w.dim(0);
  a.k = w.dim(1);
  a.x = x.data_as<const float>();
  a.w = w.data();
  a.norm_w = p.norm ? n.src[next++].data_as<const float>() : nullptr;
  a.eps = p.eps;
  a.bias = p.bias ? n.src[next++].data_as<const float>() : nullptr;
  a.out = n.dst[0].data();
  a.odt = dt_code(n.dst[0].dtype());
  a.quads = (a.n + kCols - 1) / kCols;
  if (p.epilogue == MatVecEpilogue::kSwiGLU) a.quads = (a.n / 2 + 1) / 2;
  if (p.epilogue == MatVecEpilogue::kRopeKv) {
    const Tensor& k_table = n.dst[1];
    a.positions = n.src[next].data_as<const int32_t>();
    a.k_table = k_table.data();
    a.v_table = n.dst[2].data();
    a.tdt = dt_code(k_table.dtype());
    a.capacity = k_table.dim(0);
    a.kv_heads = k_table.dim(1);
    a.head_dim = k_table.dim(2);
    a.q_heads = n.dst[0].numel() / a.head_dim;
    a.neox = p.rope.layout == RopeLayout::kNeox;
    a.rope_scale = static_cast<float>(ops::rope_attention_scale(p.rope));
    a.err = ctx.error_record();
    const std::vector<double> inv_freq = ops::rope_inv_freq(p.rope, a.head_dim);
    std::copy(inv_freq.begin(), inv_freq.end(), a.inv_freq);
  }
  if (a.quads == 0) return;
  LOKA_CHECK(a.quads <= 0x7fffffff, ErrorCode::kUnsupported, "fused_matvec: too many weight rows");
  switch (w.dtype()) {
    case DType::kBF16: launch<__nv_bfloat16>(p.epilogue, a, ctx); break;
    case DType::kF16: launch<__half>(p.epilogue, a, ctx); break;
    default: launch<float>(p.epilogue, a, ctx); break;
  }
}

}  // namespace

LOKA_REGISTER_CUDA_KERNEL(OpKind::kFusedMatVec, supports_fused_matvec, run_fused_matvec);

}  // namespace loka::cuda

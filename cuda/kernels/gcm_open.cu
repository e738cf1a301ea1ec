// gcm_open: AES-256-GCM opening of sealed-file chunks in device memory, in three launches:
//   1. set-up (one block): S-box and round table, key schedule, H = E_K(0), the 4-bit tables
//      of H and of G = H^256, the powers H^(256 - t) of each thread and H^(4096 e) of each
//      segment;
//   2. the bulk (a block per 64 KiB segment of a chunk): thread t takes the segment's 16-byte
//      blocks t, t + 256, ..., decrypts them (CTR) and folds them into a Horner sum with step
//      G, which H^(256 - t) then places; the block's sum is the segment's GHASH share;
//   3. the tags (a block per chunk): the segments' shares placed with H^(4096 e), the AAD and
//      length blocks added, E_K(J0) applied, and the tag compared with the stored one.
// A chunk shorter than its segments is read as if zero blocks preceded it (which a GHASH
// starting from zero ignores), so every segment has the same shape.
#include <cstring>

#include "aes_gcm.cuh"
#include "chunk_aad.cuh"
#include "cuda_check.h"
#include "device_context.h"
#include "open_chunks.h"
#include "ops/open_chunks.h"
#include "weight_vec.cuh"

namespace loka::cuda {
namespace {

using gcm::Block;
using gcm::ShoupTable;

constexpr int kSegmentThreads = 256;
constexpr int kBlocksPerThread = 16;
constexpr int64_t kSegmentBlocks = kSegmentThreads * kBlocksPerThread;  // 4096 blocks = 64 KiB
constexpr int64_t kTagBytes = 16;
constexpr int kMaxSegments = 1024;  // 64 MiB chunks
constexpr size_t kWorkspaceFixed = ops::kGcmWorkspaceFixed;  // the partial sums start here

static_assert(kSegmentBlocks * 16 == ChunkOpenParams::kSegment);

struct Workspace {
  uint32_t rk[60];
  uint32_t te0[256];
  ShoupTable htab, gtab;
  Block h;
  Block lane_pow[kSegmentThreads];      // H^(256 - t)
  Block seg_pow[kMaxSegments];   // H^(4096 e)
};
static_assert(sizeof(Workspace) <= kWorkspaceFixed);

struct Key {
  uint8_t b[32];
};

// The chunks of one call, with the workspace's parts.
struct Run : ChunkRun {
  Workspace* ws;
  Block* partial;  // [chunk][segment]
  int segments;    // segments of a full chunk
};

__device__ __forceinline__ int64_t blocks_of(int64_t bytes) { return (bytes + 15) / 16; }
__device__ __forceinline__ int64_t segments_of(int64_t blocks) {
  return (blocks + kSegmentBlocks - 1) / kSegmentBlocks;
}

/// XOR of every thread's block; thread 0 gets it.
__device__ Block block_xor(Block v) {
  __shared__ Block warps[32];
  for (int o = 16; o > 0; o >>= 1) {
    v.hi ^= __shfl_xor_sync(0xffffffffu, v.hi, o);
    v.lo ^= __shfl_xor_sync(0xffffffffu, v.lo, o);
  }
  if ((threadIdx.x & 31) == 0) warps[threadIdx.x >> 5] = v;
  __syncthreads();
  Block r{};
  if (threadIdx.x == 0) {
    for (unsigned w = 0; w < blockDim.x / 32; ++w) r = r ^ warps[w];
  }
  return r;
}

__global__ void __launch_bounds__(kSegmentThreads) gcm_setup_kernel(Key key, Workspace* ws, int segments) {
  __shared__ uint32_t te0[256];
  __shared__ Block h_shared;
  const int t = threadIdx.x;
  te0[t] = gcm::aes_te0(gcm::aes_sbox(t));
  ws->te0[t] = te0[t];
  __syncthreads();
  if (t == 0) {
    gcm::aes256_expand(key.b, te0, ws->rk);
    uint32_t s0 = 0, s1 = 0, s2 = 0, s3 = 0;
    gcm::aes256_encrypt(te0, ws->rk, s0, s1, s2, s3);
    const Block h{(uint64_t{s0} << 32) | s1, (uint64_t{s2} << 32) | s3};
    ws->h = h;
    h_shared = h;
    gcm::shoup_build(h, ws->htab);
  }
  __syncthreads();
  const Block h = h_shared;
  ws->lane_pow[t] = gcm::gf_pow(h, kSegmentThreads - t);
  for (int e = t; e < segments; e += kSegmentThreads) {
    ws->seg_pow[e] = e == 0 ? Block{uint64_t{1} << 63, 0} : gcm::gf_pow(h, uint64_t(kSegmentBlocks) * e);
  }
  __syncthreads();
  if (t == 0) gcm::shoup_build(ws->lane_pow[0], ws->gtab);  // G = H^256
}

__global__ void __launch_bounds__(kSegmentThreads) gcm_bulk_kernel(Run r) {
  const int j = blockIdx.y, seg = blockIdx.x, t = threadIdx.x;
  const int64_t len = r.length(j), m = blocks_of(len), nseg = segments_of(m);
  if (seg >= nseg) return;
  __shared__ uint32_t te0[256];
  __shared__ uint32_t rk[60];
  __shared__ ShoupTable g;
  te0[t] = r.ws->te0[t];
  if (t < 60) rk[t] = r.ws->rk[t];
  if (t < 16) {
    g.hh[t] = r.ws->gtab.hh[t];
    g.hl[t] = r.ws->gtab.hl[t];
  }
  __syncthreads();
  const int64_t z = nseg * kSegmentBlocks - m;  // the zero blocks read before the chunk
  const uint8_t* c = r.cipher_of(j);
  uint8_t* p = r.plain_of(j);
  const uint64_t index = r.first_chunk + j;
  const uint32_t iv1 = static_cast<uint32_t>(index >> 32), iv2 = static_cast<uint32_t>(index);
  Block y{};
#pragma unroll 1
  for (int i = 0; i < kBlocksPerThread; ++i) {
    const int64_t k = seg * kSegmentBlocks + t + int64_t{kSegmentThreads} * i - z;
    Block x{};
    if (k >= 0) {
      uint32_t s0 = 0, s1 = iv1, s2 = iv2, s3 = static_cast<uint32_t>(k + 2);
      gcm::aes256_encrypt(te0, rk, s0, s1, s2, s3);
      if (16 * k + 16 <= len) {
        const uint4 w = *reinterpret_cast<const uint4*>(c + 16 * k);
        x = gcm::block_from_words(w);
        *reinterpret_cast<uint4*>(p + 16 * k) = xor_keystream(w, s0, s1, s2, s3);
      } else {  // the chunk's last, partial block: zero-padded for GHASH
        const Block ks{(uint64_t{s0} << 32) | s1, (uint64_t{s2} << 32) | s3};
        for (int64_t b = 0; b < len - 16 * k; ++b) {
          const uint8_t cb = c[16 * k + b];
          p[16 * k + b] = cb ^ gcm::block_byte(ks, static_cast<int>(b));
          if (b < 8) {
            x.hi |= uint64_t{cb} << (56 - 8 * b);
          } else {
            x.lo |= uint64_t{cb} << (56 - 8 * (b - 8));
          }
        }
      }
    }
    y = i == 0 ? x : gcm::shoup_mul(y, g) ^ x;
  }
  y = block_xor(gcm::gf_mul(y, r.ws->lane_pow[t]));
  if (t == 0) r.partial[int64_t{j} * r.segments + seg] = y;
}

__global__ void gcm_tag_kernel(Run r, ChunkAad aad, int32_t* status) {
  const int j = blockIdx.x;
  const int64_t len = r.length(j), m = blocks_of(len), nseg = segments_of(m);
  Block acc{};
  for (int64_t s = threadIdx.x; s < nseg; s += blockDim.x) {
    acc = acc ^ gcm::gf_mul(r.partial[int64_t{j} * r.segments + s], r.ws->seg_pow[nseg - 1 - s]);
  }
  acc = block_xor(acc);
  if (threadIdx.x != 0) return;
  const Workspace& ws = *r.ws;
  const uint64_t index = r.first_chunk + j;
  // GHASH of aad || LE64(index), zero-padded to whole blocks.
  const uint32_t aad_bytes = aad.n + 8;
  Block a{};
  for (uint32_t off = 0; off < aad_bytes; off += 16) {
    Block x{};
    for (uint32_t q = 0; q < 16 && off + q < aad_bytes; ++q) {
      const uint64_t byte = aad.prefix_byte(off + q, index);
      if (q < 8) {
        x.hi |= byte << (56 - 8 * q);
      } else {
        x.lo |= byte << (56 - 8 * (q - 8));
      }
    }
    a = gcm::shoup_mul(a ^ x, ws.htab);
  }
  const Block lengths{uint64_t{aad_bytes} * 8, static_cast<uint64_t>(len) * 8};
  Block s = gcm::gf_mul(a, gcm::gf_pow(ws.h, m + 1)) ^ gcm::shoup_mul(acc ^ lengths, ws.htab);
  uint32_t s0 = 0, s1 = static_cast<uint32_t>(index >> 32), s2 = static_cast<uint32_t>(index), s3 = 1;
  gcm::aes256_encrypt(ws.te0, ws.rk, s0, s1, s2, s3);  // E_K(J0)
  s = s ^ Block{(uint64_t{s0} << 32) | s1, (uint64_t{s2} << 32) | s3};
  const uint8_t* stored = r.cipher_of(j) + len;
  uint32_t diff = 0;
  for (int b = 0; b < 16; ++b) diff |= stored[b] ^ gcm::block_byte(s, b);
  status[j] = diff == 0 ? 1 : 0;
}

}  // namespace

bool supports_gcm_open(const OpNode& n) {
  return n.src.size() == 1 && n.dst.size() == 3 &&
         n.src[0].dtype() == DType::kU8 && n.dst[0].dtype() == DType::kU8 &&
         n.dst[1].dtype() == DType::kI32 && n.dst[2].dtype() == DType::kU8 && aligned16(n.src[0].data()) &&
         aligned16(n.dst[0].data()) && aligned16(n.dst[2].data()) && n.dst[0].is_contiguous() &&
         n.dst[1].is_contiguous() && n.dst[2].is_contiguous() &&
         std::get<ChunkOpenParams>(n.params).chunk_bytes / ChunkOpenParams::kSegment <= kMaxSegments;
}

void run_gcm_open(const OpNode& n, DeviceContext& ctx) {
  const auto& p = std::get<ChunkOpenParams>(n.params);
  auto* ws_bytes = static_cast<uint8_t*>(n.dst[2].data());
  const Run r{ChunkRun::of(n, kTagBytes), reinterpret_cast<Workspace*>(ws_bytes),
              reinterpret_cast<Block*>(ws_bytes + kWorkspaceFixed),
              static_cast<int>(p.chunk_bytes / ChunkOpenParams::kSegment)};
  const int chunks = r.chunks;
  Key key;
  std::memcpy(key.b, p.key.data(), sizeof key.b);
  const ChunkAad aad = ChunkAad::of(p);
  const cudaStream_t s = ctx.stream();
  gcm_setup_kernel<<<1, kSegmentThreads, 0, s>>>(key, r.ws, r.segments);
  wipe_secret(key);
  LOKA_CUDA_LAUNCHED();
  gcm_bulk_kernel<<<dim3(r.segments, chunks), kSegmentThreads, 0, s>>>(r);
  LOKA_CUDA_LAUNCHED();
  gcm_tag_kernel<<<chunks, 128, 0, s>>>(r, aad, n.dst[1].data_as<int32_t>());
  LOKA_CUDA_LAUNCHED();
  LOKA_CUDA(cudaMemsetAsync(r.ws, 0, sizeof(Workspace), s));  // the key schedule and H
}

}  // namespace loka::cuda

// sm4_open: SM4-CTR + HMAC-SM3 opening of sealed-file chunks in device memory (the suite's
// encrypt-then-MAC, docs/sealed-format.md section 5), in two launches:
//   1. the tags (a thread per chunk): HMAC-SM3(mac key, aad || LE64(index) || ciphertext),
//      compared with the stored tag; SM3 is sequential within a chunk, so chunks are the
//      parallelism (sealed files of this suite use small chunks: 64 KiB by default);
//   2. the keystream (a block per 64 KiB segment of a chunk): thread t decrypts the segment's
//      16-byte blocks t, t + 256, ..., counter block BE64(index) || BE64(block).
// The plaintext is written whether or not the tags match (the status says); nothing may use
// it unless every tag matched, as with gcm_open.
#include <cstring>

#include "chunk_aad.cuh"
#include "cuda_check.h"
#include "device_context.h"
#include "open_chunks.h"
#include "ops/open_chunks.h"
#include "sm4_sm3.cuh"
#include "weight_vec.cuh"

namespace loka::cuda {
namespace {

constexpr int kSegmentThreads = 256;
constexpr int kBlocksPerThread = 16;
constexpr int64_t kSegmentBlocks = kSegmentThreads * kBlocksPerThread;  // 4096 blocks = 64 KiB
constexpr int64_t kTagBytes = 32;
constexpr int kTagThreads = 32;  // one warp per block, so that the chunks spread over the SMs

static_assert(kSegmentBlocks * 16 == ChunkOpenParams::kSegment);

struct Sm4Key {
  uint8_t b[16];
};

struct MacKey {
  uint8_t b[32];
};

/// The 64-byte HMAC pad block (key ^ pad byte) as big-endian words.
__device__ void pad_block(const MacKey& k, uint32_t pad, uint32_t w[16]) {
#pragma unroll
  for (int i = 0; i < 16; ++i) {
    w[i] = i < 8 ? ((uint32_t{k.b[4 * i]} << 24) | (uint32_t{k.b[4 * i + 1]} << 16) |
                    (uint32_t{k.b[4 * i + 2]} << 8) | k.b[4 * i + 3]) ^
                       pad
                 : pad;
  }
}

/// Byte i of the message the inner hash takes after the key block: aad || LE64(index) ||
/// ciphertext (len bytes), then SM3's padding (0x80, zeros, the bit length of the whole
/// message, key block included, as a big-endian 64-bit number) to `padded` bytes.
struct InnerMessage {
  const ChunkAad& aad;
  const uint8_t* c;
  uint64_t index;
  uint32_t prefix;  // aad.n + 8
  int64_t len, padded;

  __device__ uint32_t byte(int64_t i) const {
    if (i < prefix) return aad.prefix_byte(static_cast<uint32_t>(i), index);
    if (i < prefix + len) return c[i - prefix];
    if (i == prefix + len) return 0x80;
    if (i < padded - 8) return 0;
    const uint64_t bits = static_cast<uint64_t>(64 + prefix + len) * 8;
    return static_cast<uint32_t>((bits >> (8 * (padded - 1 - i))) & 0xff);
  }

  /// Block b's words, byte by byte (the blocks that hold the prefix or the padding).
  __device__ void block_slow(int64_t b, uint32_t w[16]) const {
    uint32_t words[16];  // indexed at run time (local memory), so that w stays in registers
#pragma unroll 1
    for (int i = 0; i < 16; ++i) {
      const int64_t at = 64 * b + 4 * i;
      words[i] = (byte(at) << 24) | (byte(at + 1) << 16) | (byte(at + 2) << 8) | byte(at + 3);
    }
#pragma unroll
    for (int i = 0; i < 16; ++i) w[i] = words[i];
  }

  /// The aligned words holding block b when it is all ciphertext (the word after the block
  /// may be read; a tag follows every chunk's ciphertext, so it is in bounds).
  __device__ void load_fast(int64_t b, uint32_t raw[17]) const {
    const int64_t q = 64 * b - prefix;  // ciphertext offset of the block
    const uint32_t* p = reinterpret_cast<const uint32_t*>(c + (q - (q & 3)));
#pragma unroll
    for (int i = 0; i < 17; ++i) raw[i] = __ldg(p + i);
  }

  /// Block b's big-endian words from load_fast's words.
  __device__ void realign(int64_t b, const uint32_t raw[17], uint32_t w[16]) const {
    const int s = static_cast<int>((64 * b - prefix) & 3);
    const uint32_t sel = (s << 12) | ((s + 1) << 8) | ((s + 2) << 4) | (s + 3);
#pragma unroll
    for (int i = 0; i < 16; ++i) w[i] = __byte_perm(raw[i], raw[i + 1], sel);
  }
};

__global__ void __launch_bounds__(kTagThreads) sm3_tag_kernel(ChunkRun r, MacKey key, ChunkAad aad,
                                                              int32_t* status) {
  const int j = blockIdx.x * kTagThreads + threadIdx.x;
  if (j >= r.chunks) return;
  const uint8_t* c = r.cipher_of(j);
  const int64_t len = r.length(j);
  const uint32_t prefix = aad.n + 8;
  const int64_t blocks = (prefix + len + 8) / 64 + 1;  // with the 0x80 byte and the length
  const InnerMessage m{aad, c, r.first_chunk + j, prefix, len, 64 * blocks};
  uint32_t w[16];
  sm::Sm3State inner = sm::sm3_init();
  pad_block(key, 0x36363636u, w);
  sm::sm3_compress(inner, w);
  // Blocks [fast_begin, fast_end) are all ciphertext: each one's words load while the one
  // before it is compressed. The rest (prefix, padding) go byte by byte.
  const int64_t fast_begin = (prefix + 63) / 64, fast_end = max(fast_begin, (prefix + len) / 64);
#pragma unroll 1
  for (int64_t b = 0; b < fast_begin; ++b) {
    m.block_slow(b, w);
    sm::sm3_compress(inner, w);
  }
  uint32_t raw[17];
  if (fast_begin < fast_end) m.load_fast(fast_begin, raw);
#pragma unroll 1
  for (int64_t b = fast_begin; b < fast_end; ++b) {
    m.realign(b, raw, w);
    if (b + 1 < fast_end) m.load_fast(b + 1, raw);
    sm::sm3_compress(inner, w);
  }
#pragma unroll 1
  for (int64_t b = fast_end; b < blocks; ++b) {
    m.block_slow(b, w);
    sm::sm3_compress(inner, w);
  }
  sm::Sm3State outer = sm::sm3_init();
  pad_block(key, 0x5c5c5c5cu, w);
  sm::sm3_compress(outer, w);
#pragma unroll
  for (int i = 0; i < 16; ++i) w[i] = i < 8 ? inner.v[i] : 0;
  w[8] = 0x80000000u;
  w[15] = (64 + 32) * 8;
  sm::sm3_compress(outer, w);
  const uint8_t* stored = c + len;
  uint32_t diff = 0;
#pragma unroll
  for (int i = 0; i < 8; ++i) {
    const uint32_t t = (uint32_t{stored[4 * i]} << 24) | (uint32_t{stored[4 * i + 1]} << 16) |
                       (uint32_t{stored[4 * i + 2]} << 8) | stored[4 * i + 3];
    diff |= t ^ outer.v[i];
  }
  status[j] = diff == 0 ? 1 : 0;
}

__global__ void __launch_bounds__(kSegmentThreads) sm4_ctr_kernel(ChunkRun r, Sm4Key key) {
  const int j = blockIdx.y, seg = blockIdx.x, t = threadIdx.x;
  const int64_t len = r.length(j);
  if (int64_t{seg} * ChunkOpenParams::kSegment >= len) return;
  __shared__ uint32_t t0[256];
  __shared__ uint32_t rk[32];
  t0[t] = sm::sm4_t0(t);
  if (t == 0) sm::sm4_expand(key.b, rk);
  __syncthreads();
  const uint8_t* c = r.cipher_of(j);
  uint8_t* p = r.plain_of(j);
  const uint64_t index = r.first_chunk + j;
  const uint32_t ctr0 = static_cast<uint32_t>(index >> 32), ctr1 = static_cast<uint32_t>(index);
#pragma unroll 1
  for (int i = 0; i < kBlocksPerThread; ++i) {
    const int64_t k = seg * kSegmentBlocks + t + int64_t{kSegmentThreads} * i;
    if (16 * k >= len) break;
    uint32_t x0 = ctr0, x1 = ctr1, x2 = static_cast<uint32_t>(k >> 32), x3 = static_cast<uint32_t>(k);
    sm::sm4_encrypt(t0, rk, x0, x1, x2, x3);
    if (16 * k + 16 <= len) {
      const uint4 w = *reinterpret_cast<const uint4*>(c + 16 * k);
      *reinterpret_cast<uint4*>(p + 16 * k) = xor_keystream(w, x0, x1, x2, x3);
    } else {  // the chunk's last, partial block
      const uint32_t ks[4] = {x0, x1, x2, x3};
      for (int64_t b = 0; b < len - 16 * k; ++b) {
        p[16 * k + b] = c[16 * k + b] ^ static_cast<uint8_t>(ks[b / 4] >> (24 - 8 * (b % 4)));
      }
    }
  }
  __syncthreads();
  if (t < 32) rk[t] = 0;  // the round keys leave no copy behind
}

}  // namespace

bool supports_sm4_open(const OpNode& n) {
  return n.src.size() == 1 && n.dst.size() == 3 && n.src[0].dtype() == DType::kU8 &&
         n.dst[0].dtype() == DType::kU8 && n.dst[1].dtype() == DType::kI32 && !n.dst[2].defined() &&
         aligned16(n.src[0].data()) && aligned16(n.dst[0].data()) && n.dst[0].is_contiguous() &&
         n.dst[1].is_contiguous();
}

void run_sm4_open(const OpNode& n, DeviceContext& ctx) {
  const auto& p = std::get<ChunkOpenParams>(n.params);
  const ChunkRun r = ChunkRun::of(n, kTagBytes);
  const int chunks = r.chunks;
  Sm4Key enc;
  MacKey mac;
  std::memcpy(enc.b, p.key.data(), sizeof enc.b);
  std::memcpy(mac.b, p.key.data() + sizeof enc.b, sizeof mac.b);
  const cudaStream_t s = ctx.stream();
  sm3_tag_kernel<<<(chunks + kTagThreads - 1) / kTagThreads, kTagThreads, 0, s>>>(r, mac, ChunkAad::of(p),
                                                                                 n.dst[1].data_as<int32_t>());
  wipe_secret(mac);
  LOKA_CUDA_LAUNCHED();
  const auto segments = static_cast<unsigned>(p.chunk_bytes / ChunkOpenParams::kSegment);
  sm4_ctr_kernel<<<dim3(segments, static_cast<unsigned>(chunks)), kSegmentThreads, 0, s>>>(r, enc);
  wipe_secret(enc);
  LOKA_CUDA_LAUNCHED();
}

}  // namespace loka::cuda

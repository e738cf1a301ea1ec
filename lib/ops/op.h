// An op call: kind, parameters, input and output tensors. Front ends in this
// folder build and validate nodes; backends execute them.
#pragma once

#include <cstddef>
#include <array>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "core/tensor.h"

namespace loka {

enum class OpKind {
  kMatMul,     // src: a[..., M, K], b[..., N, K] (transpose_b) or b[..., K, N]; dst: c[..., M, N]
  kEmbedding,  // src: table[V, D], ids i32[T]; dst: out[T, D]
  kRmsNorm,    // src: x[..., D], weight[D] (, residual[..., D]); dst: out (, sum = x + residual)
  kRope,       // src: x[T, H, Dh], positions i32[T]; dst: out[T, H, Dh]
  kSoftmax,    // src: x[..., T, S]; dst: out[..., T, S]
  kAttention,  // src: q[T, Hq, D], k[S, Hkv, D], v[S, Hkv, Dv]; dst: out[T, Hq, Dv]
  kSwiGLU,     // src: gate[..., F], up[..., F]; dst: silu(gate) * up
  kGelu,       // src: x; dst: gelu(x)
  kAdd,        // src: a, b (b broadcast over a's leading dims); dst: a + b
  kMul,        // src: a, b (same broadcast); dst: a * b
  kConvert,    // src: x; dst: x in dst's dtype
  kArgmax,     // src: x[..., N]; dst: i32[...]
  kTopK,       // src: x[..., N]; dst: values[..., k] (x's dtype), indices i32[..., k]; descending
  kSetRows,    // src: rows_0..rows_{P-1} [T, ...], indices i32[T]; dst: table_0..table_{P-1} [R, ...] in place
  kSample,     // src: logits f32[V], penalties i32[P, 2] (id, count); dst: token i32[1], scratch f32[V]
  kFusedMatVec,  // a decode-step GEMV with fusions: see ops/fused_matvec.h
  kOpenChunks,   // src: ciphertext u8; dst: plaintext u8, status i32[chunks], workspace u8: see ops/open_chunks.h
};
/// Number of op kinds (the size of a backend's kernel table); kOpenChunks is the last.
constexpr size_t kOpKindCount = static_cast<size_t>(OpKind::kOpenChunks) + 1;

const char* op_name(OpKind kind);

struct MatMulParams {
  bool transpose_b = true;  // true: b is [N, K] (the Hugging Face weight layout)
};

struct RmsNormParams {
  float eps = 1e-6f;
};

enum class RopeLayout {
  kNeox,         // rotate halves: (x[i], x[i + d/2]) — Hugging Face Llama/Qwen
  kInterleaved,  // rotate pairs: (x[2i], x[2i + 1]) — GPT-J, original Llama/Meta
};

enum class RopeScaling { kNone, kLinear, kLlama3, kYarn };

struct RopeParams {
  RopeLayout layout = RopeLayout::kNeox;
  int64_t rotary_dim = 0;  // rotated leading features of each head; 0 = the whole head
  double theta = 10000.0;
  RopeScaling scaling = RopeScaling::kNone;
  double factor = 1.0;                    // linear, llama3, yarn
  double low_freq_factor = 1.0;           // llama3
  double high_freq_factor = 4.0;          // llama3
  int64_t original_max_position = 8192;  // llama3, yarn
  double beta_fast = 32.0;                // yarn
  double beta_slow = 1.0;                 // yarn
  double attention_factor = 0.0;          // yarn: cos/sin multiplier; 0 = 0.1*ln(factor)+1
  bool truncate = true;                   // yarn: round the correction range to whole dims
};

struct SoftmaxParams {
  float scale = 1.0f;   // applied to x before the softmax
  bool causal = false;  // mask column s > row t + (S - T)
};

struct AttentionParams {
  float scale = 0.0f;  // 0 = 1/sqrt(D)
  bool causal = true;  // query t sits at position S - T + t
  // The backend may round q, k, v and the probabilities to bf16 for matrix units (f32
  // accumulation): for models whose weights are 16-bit anyway. The CPU ignores it.
  bool low_precision = false;
};

struct GeluParams {
  bool tanh_approximation = false;
};

struct TopKParams {
  int64_t k = 1;
};

/// The sampling chain of ops/sampling_chain.h for one row of logits.
struct SampleParams {
  float temperature = 0.0f;  // <= 0: argmax after the penalties (u unused)
  int32_t top_k = 0;         // <= 0: off
  float top_p = 1.0f;        // >= 1: off
  float min_p = 0.0f;        // <= 0: off
  float repeat_penalty = 1.0f;
  float presence_penalty = 0.0f;
  float frequency_penalty = 0.0f;
  double u = 0.0;  // the uniform draw in [0, 1)
};
/// What a fused GEMV does with its products (ops/fused_matvec.h).
enum class MatVecEpilogue {
  kStore,       // out = y
  kAccumulate,  // out += y (the residual stream updated in place)
  kSwiGLU,      // weight rows [gate; up]: out = silu(y_gate) * y_up
  kRopeKv,      // weight rows [q; k; v]: q and k rotated; q to out, k and v into cache rows
};

struct FusedMatVecParams {
  bool norm = false;  // src has the RMSNorm weight: x is normalised (over K) first
  float eps = 1e-6f;
  bool bias = false;  // src has a bias [N] added to y
  MatVecEpilogue epilogue = MatVecEpilogue::kStore;
  RopeParams rope;  // kRopeKv
};

/// The cipher suites of sealed-file chunks (docs/sealed-format.md, section 5).
enum class ChunkCipher : uint8_t {
  kAes256Gcm,      // IV 0^32 || BE64(index), AAD aad || LE64(index), 16-byte GCM tag
  kSm4CtrHmacSm3,  // counter BE64(index) || 0^64, tag HMAC-SM3(mac key, aad || LE64(index) || ciphertext)
};

/// Authenticated decryption of a run of chunks as sealed files store them: chunk j has the
/// index first_chunk + j, and its tag (16 or 32 bytes) after its ciphertext.
struct ChunkOpenParams {
  ChunkCipher cipher = ChunkCipher::kAes256Gcm;
  /// Secret (ops::open_chunks wipes the copies it makes): AES, the 32-byte key; SM4, the
  /// 16-byte cipher key followed by the 32-byte HMAC key.
  std::array<uint8_t, 48> key{};
  std::vector<uint8_t> aad;  // at most kMaxAad bytes
  uint64_t first_chunk = 0;
  int64_t chunk_bytes = 0;  // plaintext bytes of every chunk but the last: a multiple of kSegment

  static constexpr size_t kMaxAad = 256;
  static constexpr int64_t kSegment = 65536;  // the unit of parallel work inside a chunk
};

using OpParams = std::variant<std::monostate, MatMulParams, RmsNormParams, RopeParams,
                              SoftmaxParams, AttentionParams, GeluParams, TopKParams, SampleParams,
                              FusedMatVecParams, ChunkOpenParams>;

struct OpNode {
  OpKind kind;
  std::vector<Tensor> src;
  std::vector<Tensor> dst;  // allocated by the front end before execution
  OpParams params;

  /// "rms_norm(f32[4, 8], f32[8]) -> f32[4, 8]" for messages.
  std::string describe() const;
};

}  // namespace loka

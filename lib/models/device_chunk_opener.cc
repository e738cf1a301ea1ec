// DeviceChunkOpener: ciphertext windows uploaded in order, open_chunks, byte-range device copies.
#include "models/device_chunk_opener.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "core/error.h"
#include "ops/open_chunks.h"
#include "seal/seal_crypto.h"

namespace loka {
namespace {

// Bytes [offset, offset + n) of t's storage as a u8 row (t contiguous).
Tensor byte_range(const Tensor& t, uint64_t offset, uint64_t n) {
  return Tensor(DType::kU8, Shape{static_cast<int64_t>(n)}, Strides{1}, t.storage(),
                t.byte_offset() + offset);
}

ChunkCipher cipher_of(seal::Suite s) {
  return s == seal::Suite::kAes256Gcm ? ChunkCipher::kAes256Gcm : ChunkCipher::kSm4CtrHmacSm3;
}

// The op's scratch for `chunks` chunks (undefined where it takes none).
Tensor workspace_for(Backend& be, ChunkCipher c, int64_t chunks, int64_t chunk_bytes) {
  const int64_t n = ops::open_chunks_workspace_bytes(c, chunks, chunk_bytes);
  return n > 0 ? be.alloc(DType::kU8, {n}) : Tensor();
}

}  // namespace

ChunkOpenParams sealed_chunk_params(const seal::Header& h, uint64_t first, std::span<const uint8_t> enc,
                                    std::span<const uint8_t> mac) {
  ChunkOpenParams p;
  p.cipher = cipher_of(h.suite);
  p.chunk_bytes = static_cast<int64_t>(h.chunk_size());
  p.first_chunk = first;
  p.aad.assign(h.raw.begin(), h.raw.end());
  // AES: the 32-byte key; SM4: the cipher key, then the HMAC key.
  if (p.cipher == ChunkCipher::kAes256Gcm) mac = {};
  LOKA_CHECK(enc.size() + mac.size() <= p.key.size(), ErrorCode::kInternal,
             "sealed chunk keys of " + std::to_string(enc.size()) + " + " + std::to_string(mac.size()) + " bytes");
  std::copy(enc.begin(), enc.end(), p.key.begin());
  std::copy(mac.begin(), mac.end(), p.key.begin() + static_cast<std::ptrdiff_t>(enc.size()));
  return p;
}

bool DeviceChunkOpener::available(Backend& be, const seal::Header& h) {
  if (h.chunk_count == 0) return false;
  const ChunkOpenParams p = sealed_chunk_params(h, 0, {}, {});
  // A probe of one short chunk, never run.
  const ops::OpenChunks g{.ciphertext = be.alloc(DType::kU8, {1 + ops::chunk_tag_bytes(p.cipher)}),
                          .plaintext = be.alloc(DType::kU8, {1}),
                          .status = be.alloc(DType::kI32, {1}),
                          .workspace = workspace_for(be, p.cipher, 1, p.chunk_bytes),
                          .params = p};
  return ops::open_chunks_supported(be, g);
}

DeviceChunkOpener::DeviceChunkOpener(Backend& be, const seal::Unsealed& u, uint64_t window_bytes)
    : be_(be), u_(u) {
  const seal::Header& h = u.header();
  const uint64_t c = h.chunk_size();
  if (window_bytes == 0) window_bytes = (h.suite == seal::Suite::kAes256Gcm ? uint64_t{64} : uint64_t{256}) << 20;
  window_chunks_ = std::clamp<uint64_t>(window_bytes / c, 1, std::max<uint64_t>(h.chunk_count, 1));
  const auto w = static_cast<int64_t>(window_chunks_);
  cipher_ = cipher_of(h.suite);
  tag_bytes_ = static_cast<uint64_t>(ops::chunk_tag_bytes(cipher_));
  stored_ = be.alloc(DType::kU8, {w * static_cast<int64_t>(c + tag_bytes_)});
  plain_ = be.alloc(DType::kU8, {w * static_cast<int64_t>(c)});
  workspace_ = workspace_for(be, cipher_, w, static_cast<int64_t>(c));
  status_ = be.alloc(DType::kI32, {static_cast<int64_t>(h.chunk_count)});
}

DeviceChunkOpener::~DeviceChunkOpener() = default;

// Uploads chunks [first, first + window) as stored and opens them into plain_.
void DeviceChunkOpener::open_window(uint64_t first) {
  const seal::Header& h = u_.header();
  const uint64_t end = std::min(first + window_chunks_, h.chunk_count);
  const uint64_t c = h.chunk_size();
  const uint64_t plain = std::min(end * c, h.payload_size) - first * c;
  const uint64_t stored = plain + tag_bytes_ * (end - first);
  const auto container = u_.container();
  LOKA_CHECK(h.chunk_offset(first) + stored <= container.size(), ErrorCode::kIntegrity,
             u_.path() + ": truncated in chunk " + std::to_string(end - 1));
  const Tensor cipher = byte_range(stored_, 0, stored);
  be_.copy(Tensor::borrow(DType::kU8, {static_cast<int64_t>(stored)}, container.data() + h.chunk_offset(first),
                          nullptr),
           cipher);
  const auto chunks = static_cast<int64_t>(end - first);
  const int64_t workspace = ops::open_chunks_workspace_bytes(cipher_, chunks, static_cast<int64_t>(c));
  ops::OpenChunks g{.ciphertext = cipher,
                    .plaintext = byte_range(plain_, 0, plain),
                    .status = status_.slice(0, static_cast<int64_t>(first), static_cast<int64_t>(end)),
                    .workspace = workspace > 0 ? byte_range(workspace_, 0, static_cast<uint64_t>(workspace)) : Tensor(),
                    .params = sealed_chunk_params(h, first, u_.cipher_key(), u_.mac_key())};
  try {
    ops::open_chunks(be_, g);
  } catch (...) {
    seal::secure_wipe(g.params.key.data(), g.params.key.size());
    throw;
  }
  seal::secure_wipe(g.params.key.data(), g.params.key.size());
  first_ = first;
  end_ = end;
  next_ = end;
}

void DeviceChunkOpener::copy(const Tensor& from, const Tensor& to) {
  const auto* payload = u_.buffer()->data();
  const auto* p = static_cast<const uint8_t*>(from.data());
  const uint64_t size = u_.header().payload_size;
  if (p < payload || p >= payload + size) {
    be_.copy(from, to);
    return;
  }
  LOKA_CHECK(from.is_contiguous() && to.is_contiguous() && from.nbytes() == to.nbytes() &&
                 static_cast<uint64_t>(p - payload) + from.nbytes() <= size,
             ErrorCode::kInternal, "sealed upload: " + from.describe() + " -> " + to.describe());
  const uint64_t c = u_.header().chunk_size();
  uint64_t offset = static_cast<uint64_t>(p - payload);
  const uint64_t end = offset + from.nbytes();
  while (offset < end) {
    const uint64_t chunk = offset / c;
    if (chunk < first_ || chunk >= end_) {
      LOKA_CHECK(chunk >= next_, ErrorCode::kInternal,
                 u_.path() + ": sealed upload went back to chunk " + std::to_string(chunk));
      while (chunk >= next_ + window_chunks_) open_window(next_);  // authenticates what lies between
      open_window(next_);
    }
    const uint64_t n = std::min(end, end_ * c) - offset;
    be_.copy_async(byte_range(plain_, offset - first_ * c, n),
                   byte_range(to, offset - static_cast<uint64_t>(p - payload), n));
    offset += n;
  }
}

void DeviceChunkOpener::finish() {
  const seal::Header& h = u_.header();
  while (next_ < h.chunk_count) open_window(next_);
  Tensor status = Tensor::empty(DType::kI32, {static_cast<int64_t>(h.chunk_count)});
  be_.copy(status_, status);
  const auto* s = status.data_as<const int32_t>();
  for (uint64_t i = 0; i < h.chunk_count; ++i) {
    if (s[i] != 1) throw seal::chunk_integrity_error(h, i, u_.path());
  }
}

}  // namespace loka

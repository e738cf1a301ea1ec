// The weights of a sealed model opened on the device: they go up as ciphertext, a window of
// chunks at a time in file order, and open_chunks authenticates and decrypts them in device
// memory, so that their plaintext is never in host memory. The host decrypts only what it
// reads itself (configuration, tokenizer, safetensors headers, norm and bias vectors).
#pragma once

#include <cstdint>
#include <memory>
#include <span>

#include "backend/backend.h"
#include "seal/sealed_file.h"

namespace loka {

/// The open_chunks parameters for h's chunks from `first` on, holding the file's keys in the
/// op's layout (AES-256-GCM: `enc`; SM4: `enc`, then the HMAC key `mac`). The keys are
/// secret: wipe the result's copy after use.
ChunkOpenParams sealed_chunk_params(const seal::Header& h, uint64_t first, std::span<const uint8_t> enc,
                                    std::span<const uint8_t> mac);

class DeviceChunkOpener {
 public:
  /// Whether `be` can open the chunks of a container with header h (a backend with
  /// open_chunks for h's suite).
  static bool available(Backend& be, const seal::Header& h);

  /// u must stay alive while this does; it was opened with UnsealOptions::on_demand. The
  /// device holds `window_bytes` of chunks at a time (at least one chunk), twice: as stored
  /// and opened. 0: 64 MiB for AES-256-GCM; 256 MiB for SM4, whose tags hash a chunk per
  /// thread, so that a window has enough chunks to keep the GPU busy.
  DeviceChunkOpener(Backend& be, const seal::Unsealed& u, uint64_t window_bytes = 0);
  ~DeviceChunkOpener();
  DeviceChunkOpener(const DeviceChunkOpener&) = delete;
  DeviceChunkOpener& operator=(const DeviceChunkOpener&) = delete;

  /// Copies host tensor `from` into device tensor `to` (contiguous, the same size). Where
  /// `from` lies in u's payload (whose bytes are not decrypted there), its bytes come from the
  /// chunks opened on the device; calls must then come in ascending payload order. Other
  /// host memory is copied as it is.
  void copy(const Tensor& from, const Tensor& to);

  /// Opens the chunks no copy reached, then checks every chunk's tag: throws Error(kIntegrity)
  /// naming the first chunk that failed.
  void finish();

 private:
  void open_window(uint64_t first);

  Backend& be_;
  const seal::Unsealed& u_;
  uint64_t window_chunks_ = 0;
  uint64_t first_ = 0, end_ = 0;  // the chunks now in plain_
  uint64_t next_ = 0;             // the first chunk not opened yet
  ChunkCipher cipher_ = ChunkCipher::kAes256Gcm;
  uint64_t tag_bytes_ = 0;
  Tensor stored_, plain_, status_, workspace_;
};

}  // namespace loka

// Sealing a model (a GGUF file or a Hugging Face folder) into one .lks container, and writing
// a container's files back out (unseal, for the owner).
#pragma once

#include <functional>
#include <string>

#include "seal/key_source.h"
#include "seal/seal_header.h"

namespace loka::seal {

struct SealOptions {
  Suite suite = Suite::kAes256Gcm;
  int chunk_log2 = 0;  ///< 0: the suite's default (default_chunk_log2)
  std::string key_id;  ///< public label stored in the header (at most 32 bytes)
  /// For a passphrase key source: scrypt (N = 2^p1, r = p2, p = p3) or PBKDF2-HMAC-SHA256
  /// (p1 iterations). Ignored for raw keys.
  Kdf kdf = Kdf::kScrypt;
  uint32_t kdf_p1 = 15, kdf_p2 = 8, kdf_p3 = 1;
  int threads = 0;
  std::function<void(double)> progress;  ///< fraction written, on the calling thread
};

/// The files of `input` that go into a container: the file itself, or a folder's *.json,
/// *.safetensors, *.txt, *.jinja and tokenizer.model files (top level, sorted by name).
std::vector<std::string> files_to_seal(const std::string& input);

/// Seals `input` into `output` (written as output + ".partial", then renamed). Throws
/// Error(kInvalidArgument) for bad options, kNotFound/kIo for files, kKey for key sources.
void seal_model(const std::string& input, const std::string& output, const KeySource& key,
                const SealOptions& o);

/// Decrypts `input` and writes its files: a one-file container to `output` (a file path),
/// several files into the folder `output` (created). Returns the paths written.
std::vector<std::string> unseal_model(const std::string& input, const std::string& output,
                                      const KeySource& key, int threads,
                                      const std::function<void(double)>& progress = {});

}  // namespace loka::seal

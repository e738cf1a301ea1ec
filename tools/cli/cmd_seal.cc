// `loka seal`, `loka unseal`, `loka inspect` and `loka keygen`: sealed (.lks) model containers.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <string>

#include "cli_key.h"
#include "commands.h"
#include "core/error.h"
#include "seal/seal_crypto.h"
#include "seal/seal_writer.h"
#include "seal/sealed_file.h"

namespace loka::cli {
namespace {

struct SealArgs {
  std::string model, output, suite = "aes", kdf = "scrypt", key_id;
  std::string chunk;  // empty: the suite's default
  int threads = 0;
  KeyArgs key;
};

int chunk_log2(const std::string& text) {
  for (int l = seal::kMinChunkLog2; l <= seal::kMaxChunkLog2; ++l) {
    const uint64_t n = uint64_t{1} << l;
    if (text == std::to_string(n) || text == std::to_string(n >> 10) + "K" ||
        text == std::to_string(n >> 20) + "M") {
      return l;
    }
  }
  throw Error(ErrorCode::kInvalidArgument,
              "--chunk-size '" + text + "': give a power of two from 64K to 64M (e.g. 4M)");
}

void run_seal(const SealArgs& a) {
  seal::SealOptions o;
  LOKA_CHECK(a.suite == "aes" || a.suite == "sm4", ErrorCode::kInvalidArgument,
             "--suite '" + a.suite + "': aes (AES-256-GCM) or sm4 (SM4-CTR + HMAC-SM3)");
  o.suite = a.suite == "aes" ? seal::Suite::kAes256Gcm : seal::Suite::kSm4CtrHmacSm3;
  LOKA_CHECK(a.kdf == "scrypt" || a.kdf == "pbkdf2", ErrorCode::kInvalidArgument,
             "--kdf '" + a.kdf + "': scrypt or pbkdf2");
  if (a.kdf == "pbkdf2") {
    o.kdf = seal::Kdf::kPbkdf2Sha256;
    o.kdf_p1 = 600000;  // OWASP 2023 guidance for PBKDF2-HMAC-SHA256
  }
  if (!a.chunk.empty()) o.chunk_log2 = chunk_log2(a.chunk);
  o.key_id = a.key_id;
  o.threads = a.threads;
  o.progress = [](double f) { progress_bar("sealing", f); };
  const seal::KeySource key = key_source(a.key);
  LOKA_CHECK(static_cast<bool>(key), ErrorCode::kKey, "seal: give --key-file, --key-env or --passphrase");
  seal::seal_model(a.model, a.output, key, o);
  progress_done();
  const seal::Header h = seal::read_header(a.output);
  std::fprintf(stderr, "sealed %s -> %s (%s, %llu chunks of %llu KiB)\n", a.model.c_str(), a.output.c_str(),
               seal::suite_name(h.suite), static_cast<unsigned long long>(h.chunk_count),
               static_cast<unsigned long long>(h.chunk_size() >> 10));
}

void run_unseal(const SealArgs& a) {
  const auto written = seal::unseal_model(a.model, a.output, key_source(a.key), a.threads,
                                          [](double f) { progress_bar("unsealing", f); });
  progress_done();
  for (const auto& p : written) std::fprintf(stderr, "wrote %s\n", p.c_str());
}

void run_inspect(const std::string& path) {
  const seal::Header h = seal::read_header(path);
  std::printf("path:            %s\n", path.c_str());
  std::printf("format:          loka sealed container, version %u\n", h.version);
  std::printf("cipher suite:    %s\n", seal::suite_name(h.suite));
  std::printf("key derivation:  %s", seal::kdf_name(h.kdf));
  if (h.kdf == seal::Kdf::kScrypt) {
    std::printf(" (N = 2^%u, r = %u, p = %u)", h.kdf_p1, h.kdf_p2, h.kdf_p3);
  } else if (h.kdf == seal::Kdf::kPbkdf2Sha256) {
    std::printf(" (%u iterations)", h.kdf_p1);
  }
  std::printf("\nkey id:          %s\n", h.key_id.empty() ? "(none)" : h.key_id.c_str());
  std::printf("chunk size:      %llu bytes\n", static_cast<unsigned long long>(h.chunk_size()));
  std::printf("chunks:          %llu\n", static_cast<unsigned long long>(h.chunk_count));
  std::printf("payload size:    %llu bytes (encrypted: file names, sizes and contents)\n",
              static_cast<unsigned long long>(h.payload_size));
  std::printf("file size:       %llu bytes\n", static_cast<unsigned long long>(h.file_size()));
}

void run_keygen(const std::string& path) {
  seal::SecretBytes key(seal::kMasterKeySize);
  seal::random_bytes(std::span<uint8_t>(key.data(), key.size()));
  static const char* kHex = "0123456789abcdef";
  std::string hex;
  for (size_t i = 0; i < key.size(); ++i) {
    hex += kHex[key.data()[i] >> 4];
    hex += kHex[key.data()[i] & 15];
  }
  hex += '\n';
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  LOKA_CHECK(fd >= 0, ErrorCode::kIo, "keygen: cannot create '" + path + "' (it must not exist yet)");
  const bool ok = ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size());
  ::close(fd);
  seal::secure_wipe(hex.data(), hex.size());
  LOKA_CHECK(ok, ErrorCode::kIo, "keygen: cannot write '" + path + "'");
  std::fprintf(stderr, "wrote a new 256-bit key to %s (mode 0600)\n", path.c_str());
}

}  // namespace

void add_seal_commands(CLI::App& app) {
  auto a = std::make_shared<SealArgs>();
  CLI::App* s = app.add_subcommand("seal", "Encrypt a model (GGUF file or Hugging Face folder) into a .lks container");
  s->add_option("-m,--model", a->model, "GGUF file or Hugging Face folder")->required();
  s->add_option("-o,--output", a->output, "The sealed file to write (e.g. model.lks)")->required();
  s->add_option("--suite", a->suite, "aes (AES-256-GCM) or sm4 (SM4-CTR + HMAC-SM3)")->capture_default_str();
  s->add_option("--kdf", a->kdf, "With --passphrase: scrypt or pbkdf2")->capture_default_str();
  s->add_option("--key-id", a->key_id, "Public label of the key (at most 32 bytes), e.g. a KMS key name");
  s->add_option("--chunk-size", a->chunk,
                "Chunk size, a power of two from 64K to 64M (default: 4M for aes, 64K for sm4)");
  s->add_option("-t,--threads", a->threads, "CPU threads (0: all cores)")->capture_default_str();
  add_key_options(s, &a->key);
  s->callback([a] { run_seal(*a); });

  auto u = std::make_shared<SealArgs>();
  CLI::App* un = app.add_subcommand("unseal", "Decrypt a sealed model back to its files (for the owner)");
  un->add_option("file", u->model, "The sealed file")->required();
  un->add_option("-o,--output", u->output, "A file (one-file container) or folder to write")->required();
  un->add_option("-t,--threads", u->threads, "CPU threads (0: all cores)")->capture_default_str();
  add_key_options(un, &u->key);
  un->callback([u] { run_unseal(*u); });

  auto path = std::make_shared<std::string>();
  CLI::App* in = app.add_subcommand("inspect", "Print the public header of a sealed model (no key needed)");
  in->add_option("file", *path, "The sealed file")->required();
  in->callback([path] { run_inspect(*path); });

  auto kpath = std::make_shared<std::string>();
  CLI::App* kg = app.add_subcommand("keygen", "Write a new random 256-bit key (64 hex digits, mode 0600)");
  kg->add_option("file", *kpath, "The key file to create")->required();
  kg->callback([kpath] { run_keygen(*kpath); });
}

}  // namespace loka::cli

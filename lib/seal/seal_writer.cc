// seal_model: manifest + files encrypted chunk by chunk (in parallel batches) into a container.
#include "seal/seal_writer.h"

#include <openssl/crypto.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "core/error.h"
#include "core/mapped_file.h"
#include "core/thread_pool.h"
#include "seal/manifest.h"
#include "seal/seal_crypto.h"
#include "seal/sealed_file.h"

namespace loka::seal {
namespace fs = std::filesystem;
namespace {

struct Segment {
  uint64_t offset;
  const uint8_t* data;
  uint64_t size;
};

// Plaintext bytes [begin, begin + n) of the payload: the segments, zeros between them.
void fill(const std::vector<Segment>& segs, uint64_t begin, uint64_t n, uint8_t* out) {
  std::memset(out, 0, n);
  for (const Segment& s : segs) {
    const uint64_t lo = std::max(begin, s.offset), hi = std::min(begin + n, s.offset + s.size);
    if (lo < hi) std::memcpy(out + (lo - begin), s.data + (lo - s.offset), hi - lo);
  }
}

bool wanted(const fs::path& p) {
  const std::string ext = p.extension().string();
  const std::string name = p.filename().string();
  return !name.starts_with(".") && (ext == ".json" || ext == ".safetensors" || ext == ".txt" ||
                                    ext == ".jinja" || name == "tokenizer.model");
}

struct Out {
  std::FILE* f = nullptr;
  std::string path;
  ~Out() {
    if (f != nullptr) {
      std::fclose(f);
      std::remove(path.c_str());
    }
  }
  void write(const void* p, size_t n) {
    LOKA_CHECK(std::fwrite(p, 1, n, f) == n, ErrorCode::kIo, "cannot write '" + path + "'");
  }
  void commit(const std::string& final_path) {
    const bool ok = std::fflush(f) == 0 && ::fsync(fileno(f)) == 0;
    std::fclose(f);
    f = nullptr;
    LOKA_CHECK(ok && std::rename(path.c_str(), final_path.c_str()) == 0, ErrorCode::kIo,
               "cannot write '" + final_path + "'");
  }
};

}  // namespace

std::vector<std::string> files_to_seal(const std::string& input) {
  std::error_code ec;
  if (!fs::is_directory(input, ec)) {
    LOKA_CHECK(fs::is_regular_file(input, ec), ErrorCode::kNotFound, input + ": no such file or folder");
    return {input};
  }
  std::vector<std::string> out;
  for (const auto& e : fs::directory_iterator(input)) {
    if (e.is_regular_file() && wanted(e.path())) out.push_back(e.path().string());
  }
  std::sort(out.begin(), out.end());
  LOKA_CHECK(!out.empty(), ErrorCode::kNotFound, input + ": no model files to seal in this folder");
  return out;
}

void seal_model(const std::string& input, const std::string& output, const KeySource& key,
                const SealOptions& o) {
  LOKA_CHECK(static_cast<bool>(key), ErrorCode::kKey, output + ": sealing needs a key source");
  std::vector<std::shared_ptr<FileBytes>> files;
  std::vector<ManifestEntry> entries;
  for (const std::string& f : files_to_seal(input)) {
    files.push_back(FileBytes::open(f, FileLoadOptions{.hint = AccessHint::kSequential}));
    entries.push_back({fs::path(f).filename().string(), 0, files.back()->size()});
  }
  Header h;
  const std::vector<uint8_t> manifest = encode_manifest(entries, &h.payload_size);
  std::vector<Segment> segs{{0, manifest.data(), manifest.size()}};
  for (size_t i = 0; i < files.size(); ++i) segs.push_back({entries[i].offset, files[i]->data(), files[i]->size()});

  h.suite = o.suite;
  h.chunk_log2 = o.chunk_log2 != 0 ? o.chunk_log2 : default_chunk_log2(o.suite);
  h.chunk_count = (h.payload_size + h.chunk_size() - 1) / h.chunk_size();
  h.key_id = o.key_id;
  random_bytes(h.file_id);
  if (key.kind() == KeySource::Kind::kPassphrase) {
    h.kdf = o.kdf;
    h.kdf_p1 = o.kdf_p1;
    h.kdf_p2 = h.kdf == Kdf::kScrypt ? o.kdf_p2 : 0;
    h.kdf_p3 = h.kdf == Kdf::kScrypt ? o.kdf_p3 : 0;
    random_bytes(h.kdf_salt);
  }
  validate_fields(h, output);
  FileKeys keys;
  {
    const SecretBytes master = key.master_key(h, output);
    keys = derive_keys(h, master.span());
  }
  h.key_check = keys.check;
  encode(h);
  h.mac = header_mac(h, keys);
  encode(h);

  Out out{std::fopen((output + ".partial").c_str(), "wb"), output + ".partial"};
  LOKA_CHECK(out.f != nullptr, ErrorCode::kIo, "cannot create '" + out.path + "'");
  out.write(h.raw.data(), kHeaderSize);
  ThreadPool pool(o.threads);
  const uint64_t cs = h.chunk_size(), ts = tag_size(h.suite);
  const uint64_t batch = std::max<uint64_t>(static_cast<uint64_t>(pool.size()) * 2, (uint64_t{64} << 20) / cs);
  std::vector<uint8_t> plain(batch * cs), sealed(batch * (cs + ts));
  for (uint64_t first = 0; first < h.chunk_count; first += batch) {
    const uint64_t n = std::min(batch, h.chunk_count - first);
    pool.parallel_for(static_cast<int64_t>(n), 1, [&](int64_t b, int64_t e) {
      for (int64_t j = b; j < e; ++j) {
        const uint64_t i = first + static_cast<uint64_t>(j);
        const uint64_t len = h.chunk_plain_size(i);
        uint8_t* p = plain.data() + j * cs;
        uint8_t* c = sealed.data() + j * (cs + ts);
        fill(segs, i * cs, len, p);
        seal_chunk(h, keys, i, std::span<const uint8_t>(p, len), c, c + len);
      }
    });
    for (uint64_t j = 0; j < n; ++j) out.write(sealed.data() + j * (cs + ts), h.chunk_plain_size(first + j) + ts);
    if (o.progress) o.progress(static_cast<double>(first + n) / static_cast<double>(h.chunk_count));
  }
  OPENSSL_cleanse(plain.data(), plain.size());
  out.commit(output);
}

std::vector<std::string> unseal_model(const std::string& input, const std::string& output,
                                      const KeySource& key, int threads,
                                      const std::function<void(double)>& progress) {
  const Unsealed u = Unsealed::open(input, key, UnsealOptions{.threads = threads, .progress = progress});
  std::vector<std::string> written;
  const bool one = u.files().size() == 1;
  if (!one) fs::create_directories(output);
  for (const ManifestEntry& e : u.files()) {
    const std::string path = one ? output : (fs::path(output) / e.name).string();
    if (!one) fs::create_directories(fs::path(path).parent_path());  // names are checked relative paths
    Out out{std::fopen((path + ".partial").c_str(), "wb"), path + ".partial"};
    LOKA_CHECK(out.f != nullptr, ErrorCode::kIo, "cannot create '" + out.path + "'");
    const auto b = u.bytes(e);
    out.write(b.data(), b.size());
    out.commit(path);
    written.push_back(path);
  }
  return written;
}

}  // namespace loka::seal

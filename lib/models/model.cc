// Model::load: picks the loader for a path (Hugging Face folder or GGUF file) and the Model facade.
#include "models/model.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>

#include "backend/registry.h"
#include "core/error.h"
#include "formats/gguf_file.h"
#include "formats/hf_config.h"
#include "formats/safetensors_header.h"
#include "formats/safetensors_model.h"
#include "models/gguf_weights.h"
#include "models/device_chunk_opener.h"
#include "models/hf_weights.h"
#include "models/llama_family.h"
#include "seal/sealed_file.h"

namespace loka {
namespace {

namespace fs = std::filesystem;

class LlamaModel final : public Model {
 public:
  LlamaModel(ModelInfo info, std::optional<Tokenizer> tok, std::unique_ptr<LlamaFamily> net)
      : info_(std::move(info)), tok_(std::move(tok)), net_(std::move(net)) {}

  const ModelInfo& info() const override { return info_; }
  bool has_tokenizer() const override { return tok_.has_value(); }
  const Tokenizer& tokenizer() const override {
    LOKA_CHECK(tok_, ErrorCode::kNotFound, info_.path + ": the model has no tokenizer");
    return *tok_;
  }
  std::vector<int32_t> eos_ids() const override {
    std::vector<int32_t> ids = net_->hparams().eos_ids;
    if (tok_) {
      for (int32_t id : tok_->eos_ids()) {
        if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
      }
    }
    return ids;
  }
  std::unique_ptr<KvCache> new_cache(int64_t max_tokens) const override {
    return net_->new_cache(max_tokens);
  }
  Tensor forward(std::span<const int32_t> tokens, KvCache& cache, bool all_logits) override {
    return net_->forward(tokens, own(cache), all_logits);
  }
  Tensor forward_last(std::span<const int32_t> tokens, KvCache& cache) override {
    return net_->forward(tokens, own(cache), false, /*logits_on_host=*/false);
  }
  Backend* backend() const override { return net_->backend(); }

 private:
  static LlamaKvCache& own(KvCache& cache) {
    auto* c = dynamic_cast<LlamaKvCache*>(&cache);
    LOKA_CHECK(c, ErrorCode::kInvalidArgument, "forward: the KV cache was made by another model");
    return *c;
  }

  ModelInfo info_;
  std::optional<Tokenizer> tok_;
  std::unique_ptr<LlamaFamily> net_;
};

ModelInfo make_info(const std::string& path, const std::string& format, const ModelHparams& h,
                    const LlamaWeights& w) {
  ModelInfo i;
  i.path = path;
  i.format = format;
  i.architecture = h.architecture;
  i.parameters = count_parameters(w, h.tied);
  i.weight_dtype = main_weight_dtype(w);
  i.vocab_size = h.vocab;
  i.hidden_size = h.hidden;
  i.layers = h.layers;
  i.heads = h.heads;
  i.kv_heads = h.kv_heads;
  i.head_dim = h.head_dim;
  i.ffn_size = h.ffn;
  i.context_length = h.context;
  i.tied_embeddings = h.tied;
  return i;
}

std::shared_ptr<Backend> make_backend(const ModelLoadOptions& o) {
  return create_backend(parse_device(o.device), {.threads = o.threads});
}

void report(const ModelLoadOptions& o, double fraction) {
  if (o.progress) o.progress(fraction);
}

// A Hugging Face model once its files are read: from a folder or a sealed container.
// `be`: the backend made already, else one for o.device.
std::shared_ptr<Model> build_hf(const std::string& folder, ModelHparams h, const SafetensorsModel& st,
                                std::optional<Tokenizer> tok, const ModelLoadOptions& o,
                                const HostTensorCopy& copy = {}, std::shared_ptr<Backend> be = nullptr) {
  report(o, 0.05);
  LlamaWeights w = bind_hf_weights(st, h, [&](double f) { report(o, 0.05 + 0.85 * f); });
  ModelInfo info = make_info(folder, "safetensors", h, w);
  auto net = std::make_unique<LlamaFamily>(std::move(h), std::move(w), be ? std::move(be) : make_backend(o),
                                           copy);
  report(o, 1.0);
  return std::make_shared<LlamaModel>(std::move(info), std::move(tok), std::move(net));
}

std::shared_ptr<Model> load_hf(const std::string& folder, const ModelLoadOptions& o) {
  const HfConfig config = HfConfig::load(folder);
  ModelHparams h = hparams_from_hf(config, load_generation_eos_ids(folder),
                                   (fs::path(folder) / "config.json").string());
  const SafetensorsModel st =
      SafetensorsModel::open(folder, FileLoadOptions{.use_mmap = o.use_mmap, .lock = o.lock});
  std::optional<Tokenizer> tok;
  std::error_code ec;
  if (fs::is_regular_file(fs::path(folder) / "tokenizer.json", ec)) tok = Tokenizer::open(folder);
  return build_hf(folder, std::move(h), st, std::move(tok), o);
}

std::shared_ptr<Model> load_gguf(const GgufFile& f, const std::string& file, const ModelLoadOptions& o) {
  ModelHparams h = hparams_from_gguf(f);
  report(o, 0.05);
  LlamaWeights w = bind_gguf_weights(f, h, [&](double x) { report(o, 0.05 + 0.85 * x); });
  std::optional<Tokenizer> tok;
  if (f.has("tokenizer.ggml.model")) tok = Tokenizer::from_gguf(f);
  ModelInfo info = make_info(file, "gguf", h, w);
  auto net = std::make_unique<LlamaFamily>(std::move(h), std::move(w), make_backend(o));
  report(o, 1.0);
  return std::make_shared<LlamaModel>(std::move(info), std::move(tok), std::move(net));
}

// The bytes of a safetensors file whose header is decrypted (what from_memory parses); its
// tensor data may still be decrypting.
std::span<const uint8_t> safetensors_with_header(const seal::Unsealed& u, const seal::ManifestEntry& e) {
  const std::span<const uint8_t> b = u.bytes(e);
  u.wait(e.offset, std::min<uint64_t>(8, e.size));
  if (e.size >= 8) {
    const uint64_t header = std::min<uint64_t>(safetensors_header_length(b.data()), e.size);
    u.wait(e.offset, std::min<uint64_t>(e.size, 8 + header));
  }
  return b;
}

// A sealed container: the key and header are checked before any model code runs, then the
// payload is decrypted (in parallel, authenticated). For the CPU, which computes from those
// bytes, all of it into anonymous memory first. For a device that opens AES-256-GCM chunks
// itself, the weights go up as ciphertext and are decrypted there (the host decrypts only
// what it reads: configuration, tokenizer, headers, norm and bias vectors); for another
// device, the payload decrypts on the host in the background while the weights upload, each
// tensor after its chunks. The model is returned only once every chunk has authenticated.
std::shared_ptr<Model> load_sealed(const std::string& path, const ModelLoadOptions& options) {
  const bool streaming = !parse_device(options.device).is_host();
  ModelLoadOptions o = options;
  if (!streaming) {
    o.progress = options.progress ? [&options](double f) { options.progress(0.5 + 0.5 * f); }
                                  : std::function<void(double)>();
  }
  const std::shared_ptr<Backend> be = streaming ? make_backend(o) : nullptr;
  const bool on_device = streaming && DeviceChunkOpener::available(*be, seal::read_header(path));
  const seal::UnsealOptions uo{.threads = options.threads, .lock = options.lock, .on_demand = on_device,
                               .progress = [&options](double f) { report(options, 0.5 * f); }};
  const seal::Unsealed u = streaming ? seal::Unsealed::open_streaming(path, options.key, uo)
                                     : seal::Unsealed::open(path, options.key, uo);
  const auto keep = std::static_pointer_cast<void>(u.buffer());
  const auto& files = u.files();
  if (files.size() == 1 && !u.find("config.json")) {
    u.wait_all();
    const auto b = u.bytes(files[0]);
    return load_gguf(GgufFile::parse(FileBytes::from_memory(b.data(), b.size(), keep,
                                                            path + ":" + files[0].name)),
                     path, o);
  }
  const auto text = [&](const char* name) -> std::optional<std::string_view> {
    const seal::ManifestEntry* e = u.find(name);
    if (e == nullptr) return std::nullopt;
    u.wait(*e);
    return u.text(*e);
  };
  const auto config = text("config.json");
  LOKA_CHECK(config, ErrorCode::kFormat, path + ": the sealed model has no config.json and is not one GGUF file");
  const HfConfig c = HfConfig::parse(*config, path + ":config.json");
  std::vector<int64_t> eos;
  if (const auto g = text("generation_config.json")) {
    eos = parse_generation_eos_ids(*g, path + ":generation_config.json");
  }
  ModelHparams h = hparams_from_hf(c, eos, path + ":config.json");
  const SafetensorsModel st = SafetensorsModel::from_memory(
      path,
      [&](const std::string& name) -> std::optional<std::span<const uint8_t>> {
        const seal::ManifestEntry* e = u.find(name);
        if (e == nullptr) return std::nullopt;
        if (name.ends_with(".safetensors")) return safetensors_with_header(u, *e);
        u.wait(*e);
        return u.bytes(*e);
      },
      keep);
  // The vectors (norms, biases) are read on the host while the weights bind (widened to f32).
  std::vector<std::span<const uint8_t>> vectors;
  for (const std::string& n : st.tensor_names()) {
    if (st.info(n).shape.size() <= 1) vectors.push_back(st.tensor_bytes(n));
  }
  for (const auto& b : vectors) u.prefetch_bytes(b.data(), b.size());
  for (const auto& b : vectors) u.wait_bytes(b.data(), b.size());
  std::optional<Tokenizer> tok;
  if (const auto t = text("tokenizer.json")) {
    tok = Tokenizer::from_hf_json(*t, text("tokenizer_config.json").value_or(""), path + ":tokenizer.json");
  }
  if (on_device) {
    DeviceChunkOpener opener(*be, u);
    auto model = build_hf(path, std::move(h), st, std::move(tok), o,
                          [&opener](const Tensor& from, const Tensor& to) { opener.copy(from, to); }, be);
    opener.finish();  // nothing of an unauthenticated file is ever usable
    return model;
  }
  // The device reads the decrypted bytes straight from page-locked memory (no staging copy).
  std::shared_ptr<void> pinned = streaming ? be->pin_host_memory(u.buffer()->data(), u.buffer()->size())
                                           : nullptr;
  auto model = build_hf(
      path, std::move(h), st, std::move(tok), o,
      [&u, &be](const Tensor& from, const Tensor& to) {
        u.wait_bytes(from.data(), from.nbytes());
        be->copy(from, to);
      },
      be);
  u.wait_all();  // nothing of an unauthenticated file is ever usable
  return model;
}

bool has_gguf_magic(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  char magic[4] = {};
  return in.read(magic, 4) && std::string_view(magic, 4) == "GGUF";
}

}  // namespace

std::shared_ptr<Model> Model::load(const std::string& path, const ModelLoadOptions& options) {
  std::error_code ec;
  const fs::path p(path);
  if (fs::is_directory(p, ec)) return load_hf(path, options);
  LOKA_CHECK(fs::exists(p, ec), ErrorCode::kNotFound, path + ": no such file or folder");
  if (seal::is_sealed_file(path) || p.extension() == ".lks") return load_sealed(path, options);
  if (has_gguf_magic(path)) {
    const GgufFile f = GgufFile::open(path, FileLoadOptions{.use_mmap = options.use_mmap, .lock = options.lock});
    return load_gguf(f, path, options);
  }
  // A file of a Hugging Face folder (config.json, a .safetensors shard): load the folder.
  if (p.filename() == "config.json" || p.extension() == ".safetensors") {
    return load_hf(p.parent_path().empty() ? "." : p.parent_path().string(), options);
  }
  throw Error(ErrorCode::kFormat, path + ": neither a GGUF file nor a Hugging Face model folder");
}

}  // namespace loka

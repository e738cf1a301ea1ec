// Public C++ API: Model (load, info, tokenize, detokenize, chat template) over the internal loka::Model.
#include <filesystem>

#include "runtime/api_internal.h"

namespace loka::api {

#define LOKA_SAME_CODE(name) \
  static_assert(static_cast<int>(ErrorCode::name) == static_cast<int>(loka::ErrorCode::name))
LOKA_SAME_CODE(kInvalidArgument);
LOKA_SAME_CODE(kNotFound);
LOKA_SAME_CODE(kIo);
LOKA_SAME_CODE(kFormat);
LOKA_SAME_CODE(kUnsupported);
LOKA_SAME_CODE(kUnavailable);
LOKA_SAME_CODE(kOutOfMemory);
LOKA_SAME_CODE(kInternal);
LOKA_SAME_CODE(kKey);
LOKA_SAME_CODE(kIntegrity);
#undef LOKA_SAME_CODE

const char* version() noexcept { return "0.1.0"; }

ChatRequest to_chat_request(const std::vector<ChatMessage>& messages, bool add_generation_prompt) {
  ChatRequest r;
  for (const ChatMessage& m : messages)
    r.messages.push_back(nlohmann::ordered_json{{"role", m.role}, {"content", m.content}});
  r.add_generation_prompt = add_generation_prompt;
  return r;
}

// The one key source LoadOptions names (none for a plaintext model).
seal::KeySource key_source(const LoadOptions& o) {
  const int given = !o.key_file.empty() + !o.key_env.empty() + !o.passphrase.empty() + !!o.key_callback;
  LOKA_CHECK(given <= 1, loka::ErrorCode::kInvalidArgument,
             "LoadOptions: give at most one of key_file, key_env, passphrase and key_callback");
  if (!o.key_file.empty()) return seal::KeySource::file(o.key_file);
  if (!o.key_env.empty()) return seal::KeySource::env(o.key_env);
  if (!o.passphrase.empty()) return seal::KeySource::passphrase(o.passphrase);
  if (o.key_callback) return seal::KeySource::callback(o.key_callback);
  return {};
}

Model::Model(std::shared_ptr<Impl> impl) : impl_(std::move(impl)) {}

Model Model::load(const std::string& path, const LoadOptions& options) {
  return translate_errors([&] {
    // Checked here so that every loader (and the C ABI) reports a missing path the same way.
    std::error_code ec;
    LOKA_CHECK(std::filesystem::exists(path, ec), loka::ErrorCode::kNotFound,
               path + ": no such file or directory");
    ModelLoadOptions o;
    o.device = options.device;
    o.threads = options.threads;
    o.use_mmap = options.use_mmap;
    o.lock = options.lock;
    o.progress = options.progress;
    o.key = key_source(options);
    auto impl = std::make_shared<Impl>();
    impl->model = loka::Model::load(path, o);
    const loka::ModelInfo& i = impl->model->info();
    impl->info = {i.path, i.format, i.architecture, i.weight_dtype, i.parameters, i.vocab_size,
                  i.hidden_size, i.layers, i.heads, i.kv_heads, i.head_dim, i.ffn_size,
                  i.context_length, i.tied_embeddings};
    return Model(std::move(impl));
  });
}

const ModelInfo& Model::info() const { return impl_->info; }

std::vector<int32_t> Model::tokenize(std::string_view text, bool add_special, bool parse_special) const {
  return translate_errors([&] {
    EncodeOptions o;
    o.add_special = add_special;
    o.parse_special = parse_special;
    return impl_->model->tokenizer().encode(text, o);
  });
}

std::string Model::detokenize(std::span<const int32_t> ids, bool skip_special) const {
  return translate_errors([&] {
    DecodeOptions o;
    o.skip_special = skip_special;
    return impl_->model->tokenizer().decode(ids, o);
  });
}

std::string Model::apply_chat_template(const std::vector<ChatMessage>& messages,
                                       bool add_generation_prompt) const {
  return translate_errors([&] {
    const Tokenizer& tok = impl_->model->tokenizer();
    LOKA_CHECK(!tok.chat_template().empty(), loka::ErrorCode::kNotFound,
               impl_->info.path + ": the model has no chat template");
    const ChatTemplate tmpl = ChatTemplate::parse(tok.chat_template(), impl_->info.path + " chat template");
    return render_chat_prompt(tmpl, to_chat_request(messages, add_generation_prompt),
                              {tok.bos_token(), tok.eos_token()});
  });
}

int32_t Model::vocab_size() const { return impl_->model->tokenizer().vocab_size(); }

std::vector<int32_t> Model::eos_ids() const { return impl_->model->eos_ids(); }

}  // namespace loka::api

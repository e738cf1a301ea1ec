// C ABI: model loading, info, tokenize/detokenize and chat templates over loka::api::Model.
#include <cstdlib>
#include <vector>

#include "handles.h"

using loka::capi::guard;
using loka::capi::require;

namespace {

void model_defaults(loka_model_params* p) {
  std::memset(static_cast<void*>(p), 0, sizeof *p);
  p->struct_size = sizeof *p;
  p->use_mmap = 1;
}

char* copy_string(const std::string& s) {
  char* out = static_cast<char*>(std::malloc(s.size() + 1));
  if (out == nullptr) throw std::bad_alloc();
  std::memcpy(out, s.data(), s.size());
  out[s.size()] = '\0';
  return out;
}

}  // namespace

namespace loka::capi {

std::vector<api::ChatMessage> read_messages(const loka_chat_message* messages, size_t count,
                                            const char* function) {
  require(messages != nullptr || count == 0, function, "messages is NULL");
  std::vector<api::ChatMessage> out;
  for (size_t i = 0; i < count; ++i) {
    const std::string where = "messages[" + std::to_string(i) + "]";
    require(messages[i].role != nullptr, function, (where + ".role is NULL").c_str());
    require(messages[i].content != nullptr, function, (where + ".content is NULL").c_str());
    out.push_back({messages[i].role, messages[i].content});
  }
  return out;
}

}  // namespace loka::capi

extern "C" {

loka_status* loka_model_params_init(loka_model_params* params, size_t struct_size) {
  return guard([&] { loka::capi::init_params(params, struct_size, model_defaults, "loka_model_params_init"); });
}

void loka_model_params_default(loka_model_params* params) {
  if (params != nullptr) model_defaults(params);
}

loka_status* loka_model_load(const char* path, const loka_model_params* params, loka_model** out_model) {
  return guard([&] {
    require(out_model != nullptr, "loka_model_load", "out_model is NULL");
    *out_model = nullptr;
    require(path != nullptr, "loka_model_load", "path is NULL");
    const loka_model_params p = loka::capi::read_params(params, model_defaults, "loka_model_load");
    loka::api::LoadOptions o;
    if (p.device != nullptr) o.device = p.device;
    o.threads = p.threads;
    o.use_mmap = p.use_mmap != 0;
    o.lock = p.use_mlock != 0;
    if (p.progress != nullptr) {
      loka_progress_fn fn = p.progress;
      void* user = p.progress_user_data;
      o.progress = [fn, user](double f) { fn(f, user); };
    }
    if (p.key_file != nullptr) o.key_file = p.key_file;
    if (p.passphrase != nullptr) o.passphrase = p.passphrase;
    if (p.key_fn != nullptr) {
      loka_key_fn fn = p.key_fn;
      void* user = p.key_user_data;
      o.key_callback = [fn, user](const std::string& id, std::span<uint8_t> key) {
        return fn(id.c_str(), key.data(), key.size(), user) == 0;
      };
    }
    struct WipePassphrase {  // the copy made here; the caller owns its own string
      std::string& s;
      ~WipePassphrase() {
        std::fill(s.begin(), s.end(), '\0');
        __asm__ __volatile__("" : : "r"(s.data()) : "memory");
      }
    } wipe{o.passphrase};
    *out_model = new loka_model{loka::api::Model::load(path, o)};
  });
}

void loka_model_free(loka_model* model) { delete model; }

loka_status* loka_model_get_info(const loka_model* model, loka_model_info* out_info) {
  return guard([&] {
    require(model != nullptr, "loka_model_get_info", "model is NULL");
    require(out_info != nullptr, "loka_model_get_info", "out_info is NULL");
    const loka::api::ModelInfo& i = model->model.info();
    loka_model_info info{};
    info.architecture = i.architecture.c_str();
    info.format = i.format.c_str();
    info.weight_dtype = i.weight_dtype.c_str();
    info.parameters = i.parameters;
    info.vocab_size = i.vocab_size;
    info.context_length = i.context_length;
    info.hidden_size = i.hidden_size;
    info.layers = i.layers;
    loka::capi::write_struct(out_info, info, "loka_model_get_info");
  });
}

loka_status* loka_tokenize(const loka_model* model, const char* text, size_t text_len, int32_t add_special,
                           int32_t parse_special, int32_t** out_ids, size_t* out_count) {
  return guard([&] {
    require(out_ids != nullptr && out_count != nullptr, "loka_tokenize", "out_ids or out_count is NULL");
    *out_ids = nullptr;
    *out_count = 0;
    require(model != nullptr, "loka_tokenize", "model is NULL");
    require(text != nullptr || text_len == 0, "loka_tokenize", "text is NULL");
    const std::vector<int32_t> ids = model->model.tokenize(std::string_view(text ? text : "", text_len),
                                                           add_special != 0, parse_special != 0);
    int32_t* out = static_cast<int32_t*>(std::malloc(std::max<size_t>(1, ids.size()) * sizeof(int32_t)));
    if (out == nullptr) throw std::bad_alloc();
    std::copy(ids.begin(), ids.end(), out);
    *out_ids = out;
    *out_count = ids.size();
  });
}

loka_status* loka_detokenize(const loka_model* model, const int32_t* ids, size_t count, int32_t skip_special,
                             char** out_text, size_t* out_len) {
  return guard([&] {
    require(out_text != nullptr, "loka_detokenize", "out_text is NULL");
    *out_text = nullptr;
    if (out_len != nullptr) *out_len = 0;
    require(model != nullptr, "loka_detokenize", "model is NULL");
    require(ids != nullptr || count == 0, "loka_detokenize", "ids is NULL");
    const std::string text = model->model.detokenize(std::span<const int32_t>(ids, count), skip_special != 0);
    *out_text = copy_string(text);
    if (out_len != nullptr) *out_len = text.size();
  });
}

loka_status* loka_apply_chat_template(const loka_model* model, const loka_chat_message* messages, size_t count,
                                      int32_t add_generation_prompt, char** out_text) {
  return guard([&] {
    require(out_text != nullptr, "loka_apply_chat_template", "out_text is NULL");
    *out_text = nullptr;
    require(model != nullptr, "loka_apply_chat_template", "model is NULL");
    const auto msgs = loka::capi::read_messages(messages, count, "loka_apply_chat_template");
    *out_text = copy_string(model->model.apply_chat_template(msgs, add_generation_prompt != 0));
  });
}

}  // extern "C"

// C ABI: sessions, generation with a streaming callback, cancellation and statistics over loka::api::Session.
#include <string>
#include <vector>

#include "handles.h"

using loka::capi::guard;
using loka::capi::require;

namespace {

void session_defaults(loka_session_params* p) {
  std::memset(static_cast<void*>(p), 0, sizeof *p);
  p->struct_size = sizeof *p;
}

void generate_defaults(loka_generate_params* p) {
  const loka::api::GenerateParams d;
  std::memset(static_cast<void*>(p), 0, sizeof *p);
  p->struct_size = sizeof *p;
  p->max_tokens = d.max_tokens;
  p->temperature = d.sampling.temperature;
  p->top_k = d.sampling.top_k;
  p->top_p = d.sampling.top_p;
  p->min_p = d.sampling.min_p;
  p->repeat_penalty = d.sampling.repeat_penalty;
  p->presence_penalty = d.sampling.presence_penalty;
  p->frequency_penalty = d.sampling.frequency_penalty;
  p->penalty_last_n = d.sampling.penalty_last_n;
  p->seed = d.sampling.seed;
}

loka::api::GenerateParams to_params(const loka_generate_params* given, const char* function) {
  const loka_generate_params p = loka::capi::read_params(given, generate_defaults, function);
  loka::api::GenerateParams out;
  out.max_tokens = p.max_tokens;
  out.ignore_eos = p.ignore_eos != 0;
  require(p.stop != nullptr || p.stop_count == 0, function, "params->stop is NULL");
  for (size_t i = 0; i < p.stop_count; ++i) {
    require(p.stop[i] != nullptr, function, ("params->stop[" + std::to_string(i) + "] is NULL").c_str());
    out.stop.emplace_back(p.stop[i]);
  }
  out.sampling = {p.temperature, p.top_k, p.top_p, p.min_p, p.repeat_penalty, p.presence_penalty,
                  p.frequency_penalty, p.penalty_last_n, p.seed};
  return out;
}

loka::api::TokenCallback to_callback(loka_token_fn fn, void* user_data) {
  if (fn == nullptr) return {};
  return [fn, user_data](std::string_view piece) {
    const std::string text(piece);  // NUL-terminated for C
    return fn(text.c_str(), text.size(), user_data) == 0;
  };
}

void write_stats(loka_stats* out, const loka::api::Result& r, const char* function) {
  if (out == nullptr) return;
  loka_stats s{};
  s.prompt_tokens = r.stats.prompt_tokens;
  s.cached_tokens = r.stats.cached_tokens;
  s.generated_tokens = r.stats.generated_tokens;
  s.time_to_first_token_ms = r.stats.time_to_first_token_ms;
  s.prefill_tokens_per_s = r.stats.prefill_tokens_per_s;
  s.decode_tokens_per_s = r.stats.decode_tokens_per_s;
  s.stop_reason = static_cast<int32_t>(r.stop_reason);
  loka::capi::write_struct(out, s, function);
}

void check_stats_arg(const loka_stats* out, const char* function) {
  require(out == nullptr || out->struct_size >= sizeof(size_t), function, "out_stats->struct_size is not set");
}

}  // namespace

extern "C" {

loka_status* loka_session_params_init(loka_session_params* params, size_t struct_size) {
  return guard([&] {
    loka::capi::init_params(params, struct_size, session_defaults, "loka_session_params_init");
  });
}

void loka_session_params_default(loka_session_params* params) {
  if (params != nullptr) session_defaults(params);
}

loka_status* loka_session_create(loka_model* model, const loka_session_params* params, loka_session** out_session) {
  return guard([&] {
    require(out_session != nullptr, "loka_session_create", "out_session is NULL");
    *out_session = nullptr;
    require(model != nullptr, "loka_session_create", "model is NULL");
    const loka_session_params p =
        loka::capi::read_params(params, session_defaults, "loka_session_create");
    *out_session = new loka_session{loka::api::Session(model->model, p.context_length)};
  });
}

void loka_session_free(loka_session* session) { delete session; }

loka_status* loka_session_reset(loka_session* session) {
  return guard([&] {
    require(session != nullptr, "loka_session_reset", "session is NULL");
    session->session.reset();
  });
}

void loka_session_cancel(loka_session* session) {
  if (session != nullptr) session->session.cancel();
}

loka_status* loka_generate_params_init(loka_generate_params* params, size_t struct_size) {
  return guard([&] {
    loka::capi::init_params(params, struct_size, generate_defaults, "loka_generate_params_init");
  });
}

void loka_generate_params_default(loka_generate_params* params) {
  if (params != nullptr) generate_defaults(params);
}

loka_status* loka_generate(loka_session* session, const char* prompt, const loka_generate_params* params,
                           loka_token_fn on_token, void* user_data, loka_stats* out_stats) {
  return guard([&] {
    require(session != nullptr, "loka_generate", "session is NULL");
    require(prompt != nullptr, "loka_generate", "prompt is NULL");
    check_stats_arg(out_stats, "loka_generate");
    const auto r = session->session.generate(std::string_view(prompt), to_params(params, "loka_generate"),
                                             to_callback(on_token, user_data));
    write_stats(out_stats, r, "loka_generate");
  });
}

loka_status* loka_generate_tokens(loka_session* session, const int32_t* ids, size_t count,
                                  const loka_generate_params* params, loka_token_fn on_token, void* user_data,
                                  loka_stats* out_stats) {
  return guard([&] {
    require(session != nullptr, "loka_generate_tokens", "session is NULL");
    require(ids != nullptr || count == 0, "loka_generate_tokens", "ids is NULL");
    check_stats_arg(out_stats, "loka_generate_tokens");
    const auto r = session->session.generate(std::span<const int32_t>(ids, count),
                                             to_params(params, "loka_generate_tokens"),
                                             to_callback(on_token, user_data));
    write_stats(out_stats, r, "loka_generate_tokens");
  });
}

loka_status* loka_chat(loka_session* session, const loka_chat_message* messages, size_t count,
                       const loka_generate_params* params, loka_token_fn on_token, void* user_data,
                       loka_stats* out_stats) {
  return guard([&] {
    require(session != nullptr, "loka_chat", "session is NULL");
    check_stats_arg(out_stats, "loka_chat");
    const auto msgs = loka::capi::read_messages(messages, count, "loka_chat");
    const auto r = session->session.chat(msgs, to_params(params, "loka_chat"), to_callback(on_token, user_data));
    write_stats(out_stats, r, "loka_chat");
  });
}

loka_status* loka_session_get_logits(const loka_session* session, float* out, size_t capacity,
                                     size_t* out_count) {
  return guard([&] {
    require(out_count != nullptr, "loka_session_get_logits", "out_count is NULL");
    *out_count = 0;
    require(session != nullptr, "loka_session_get_logits", "session is NULL");
    const std::span<const float> logits = session->session.last_logits();
    if (logits.empty())
      throw loka::api::Error(loka::api::ErrorCode::kNotFound,
                             "loka_session_get_logits: the session has not generated yet");
    *out_count = logits.size();
    if (out == nullptr) return;
    require(capacity >= logits.size(), "loka_session_get_logits",
            ("capacity " + std::to_string(capacity) + " < " + std::to_string(logits.size()) + " logits").c_str());
    std::copy(logits.begin(), logits.end(), out);
  });
}

}  // extern "C"

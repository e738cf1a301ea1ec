// C ABI: statuses, version, memory release, and the layout pins of the public structs.
#include <cstddef>
#include <cstdlib>
#include <string>

#include "firewall.h"

// A change here breaks binary compatibility: fields only ever get added at the end.
#if UINTPTR_MAX == 0xFFFFFFFFFFFFFFFFu
static_assert(offsetof(loka_model_params, device) == 8 && offsetof(loka_model_params, threads) == 16 &&
              offsetof(loka_model_params, use_mmap) == 20 && offsetof(loka_model_params, use_mlock) == 24 &&
              offsetof(loka_model_params, progress) == 32 &&
              offsetof(loka_model_params, progress_user_data) == 40 &&
              offsetof(loka_model_params, key_fn) == 48 && offsetof(loka_model_params, key_user_data) == 56 &&
              offsetof(loka_model_params, key_file) == 64 && offsetof(loka_model_params, passphrase) == 72 &&
              sizeof(loka_model_params) == 80);
static_assert(offsetof(loka_model_info, architecture) == 8 && offsetof(loka_model_info, parameters) == 32 &&
              offsetof(loka_model_info, layers) == 64 && sizeof(loka_model_info) == 72);
static_assert(offsetof(loka_session_params, context_length) == 8 && sizeof(loka_session_params) == 16);
static_assert(offsetof(loka_generate_params, max_tokens) == 8 &&
              offsetof(loka_generate_params, temperature) == 12 && offsetof(loka_generate_params, top_k) == 16 &&
              offsetof(loka_generate_params, top_p) == 20 && offsetof(loka_generate_params, min_p) == 24 &&
              offsetof(loka_generate_params, repeat_penalty) == 28 &&
              offsetof(loka_generate_params, presence_penalty) == 32 &&
              offsetof(loka_generate_params, frequency_penalty) == 36 &&
              offsetof(loka_generate_params, penalty_last_n) == 40 && offsetof(loka_generate_params, seed) == 48 &&
              offsetof(loka_generate_params, stop) == 56 && offsetof(loka_generate_params, stop_count) == 64 &&
              offsetof(loka_generate_params, ignore_eos) == 72 && sizeof(loka_generate_params) == 80);
static_assert(offsetof(loka_stats, prompt_tokens) == 8 && offsetof(loka_stats, cached_tokens) == 16 &&
              offsetof(loka_stats, generated_tokens) == 24 && offsetof(loka_stats, time_to_first_token_ms) == 32 &&
              offsetof(loka_stats, prefill_tokens_per_s) == 40 && offsetof(loka_stats, decode_tokens_per_s) == 48 &&
              offsetof(loka_stats, stop_reason) == 56 && sizeof(loka_stats) == 64);
static_assert(offsetof(loka_chat_message, content) == 8 && sizeof(loka_chat_message) == 16);
#endif
static_assert(LOKA_INVALID_ARGUMENT == static_cast<int>(loka::api::ErrorCode::kInvalidArgument) + 1 &&
              LOKA_INTERNAL == static_cast<int>(loka::api::ErrorCode::kInternal) + 1 &&
              LOKA_INTEGRITY == static_cast<int>(loka::api::ErrorCode::kIntegrity) + 1);
static_assert(LOKA_STOP_CANCELLED == static_cast<int>(loka::api::StopReason::kCancelled) &&
              LOKA_STOP_EOS == static_cast<int>(loka::api::StopReason::kEos));

namespace loka::capi {

loka_status* make_status(loka_code code, const char* message) noexcept {
  static loka_status out_of_memory{LOKA_OUT_OF_MEMORY, {}};  // never freed (see loka_status_free)
  try {
    return new loka_status{code, message};
  } catch (...) {
    return &out_of_memory;
  }
}

void throw_struct_size(const char* function, const char* what, size_t struct_size) {
  throw api::Error(api::ErrorCode::kInvalidArgument,
                   std::string(function) + ": " + what + " " + std::to_string(struct_size) + " is smaller than " +
                       std::to_string(sizeof(size_t)) + ", the size of the struct_size field (pass the sizeof " +
                       "of the struct your loka.h declares)");
}

}  // namespace loka::capi

extern "C" {

loka_code loka_status_code(const loka_status* status) { return status ? status->code : LOKA_OK; }

const char* loka_status_message(const loka_status* status) {
  if (status == nullptr) return "";
  return status->message.empty() && status->code == LOKA_OUT_OF_MEMORY ? "out of memory"
                                                                      : status->message.c_str();
}

void loka_status_free(loka_status* status) {
  if (status != nullptr && !(status->code == LOKA_OUT_OF_MEMORY && status->message.empty())) delete status;
}

const char* loka_version(void) { return loka::api::version(); }

void loka_free(void* memory) { std::free(memory); }

}  // extern "C"

// C side of the Go binding: calls that pass the Go callback and a cgo.Handle (as user_data) to loka.h.
#include "shim.h"

static int32_t token_trampoline(const char* piece, size_t len, void* user_data) {
  return lokaGoToken((char*)piece, len, user_data);
}

loka_status* loka_go_generate(loka_session* s, const char* prompt, const loka_generate_params* p,
                              uintptr_t handle, loka_stats* stats) {
  return loka_generate(s, prompt, p, token_trampoline, (void*)handle, stats);
}

loka_status* loka_go_generate_tokens(loka_session* s, const int32_t* ids, size_t count,
                                     const loka_generate_params* p, uintptr_t handle, loka_stats* stats) {
  return loka_generate_tokens(s, ids, count, p, token_trampoline, (void*)handle, stats);
}

loka_status* loka_go_chat(loka_session* s, const loka_chat_message* messages, size_t count,
                          const loka_generate_params* p, uintptr_t handle, loka_stats* stats) {
  return loka_chat(s, messages, count, p, token_trampoline, (void*)handle, stats);
}

static int32_t key_trampoline(const char* key_id, uint8_t* key, size_t key_len, void* user_data) {
  return lokaGoKey((char*)key_id, key, key_len, user_data);
}

loka_status* loka_go_model_load(const char* path, loka_model_params* p, uintptr_t key_handle,
                                loka_model** out) {
  if (key_handle != 0) {
    p->key_fn = key_trampoline;
    p->key_user_data = (void*)key_handle;
  }
  return loka_model_load(path, p, out);
}

void loka_go_drain_cancel(loka_session* s) {
  loka_status_free(loka_generate_tokens(s, NULL, 0, NULL, NULL, NULL, NULL));
}

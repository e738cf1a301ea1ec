// Declarations of the Go binding's C shims (shim.c) and of the callback Go exports to them.
#ifndef LOKA_GO_SHIM_H_
#define LOKA_GO_SHIM_H_
#include <stdint.h>
#include <stdlib.h>

#include "loka.h"

int32_t lokaGoToken(char* piece, size_t len, void* user_data);  // exported by session.go
int32_t lokaGoKey(char* key_id, uint8_t* key, size_t key_len, void* user_data);  // by model.go

// loka_model_load with the Go key callback (the cgo.Handle key_handle) when it is nonzero.
loka_status* loka_go_model_load(const char* path, loka_model_params* p, uintptr_t key_handle,
                                loka_model** out);

loka_status* loka_go_generate(loka_session* s, const char* prompt, const loka_generate_params* p,
                              uintptr_t handle, loka_stats* stats);
loka_status* loka_go_generate_tokens(loka_session* s, const int32_t* ids, size_t count,
                                     const loka_generate_params* p, uintptr_t handle, loka_stats* stats);
loka_status* loka_go_chat(loka_session* s, const loka_chat_message* messages, size_t count,
                          const loka_generate_params* p, uintptr_t handle, loka_stats* stats);
// Consumes a cancel that arrived after the generation it was meant for had ended: the next
// request returns at once when one is pending, and an empty request does nothing else.
void loka_go_drain_cancel(loka_session* s);
#endif

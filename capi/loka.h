/* loka C ABI v1: load a language model, tokenize, apply its chat template and stream generated text. */
#ifndef LOKA_H_
#define LOKA_H_

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(_WIN32)
#define LOKA_API __declspec(dllexport)
#else
#define LOKA_API __attribute__((visibility("default")))
#endif

#define LOKA_ABI_VERSION 1

/* Marks v1 functions kept exported for binaries built before their replacement; new code
 * should not call them. Define LOKA_ALLOW_DEPRECATED to silence the warning. */
#if defined(LOKA_ALLOW_DEPRECATED)
#define LOKA_DEPRECATED(msg)
#elif defined(_MSC_VER)
#define LOKA_DEPRECATED(msg) __declspec(deprecated(msg))
#else
#define LOKA_DEPRECATED(msg) __attribute__((deprecated(msg)))
#endif

/* ---- Status ------------------------------------------------------------------------------
 * Every fallible call returns a loka_status*: NULL means success; otherwise the caller owns
 * the status and frees it with loka_status_free(). No C++ exception crosses this boundary. */

typedef enum loka_code {
  LOKA_OK = 0,
  LOKA_INVALID_ARGUMENT = 1, /* the caller passed something unusable (NULL, bad option, bad id) */
  LOKA_NOT_FOUND = 2,        /* file, tensor, key or backend missing */
  LOKA_IO = 3,               /* the OS refused (open, read, mmap) */
  LOKA_FORMAT = 4,           /* a file is malformed or truncated */
  LOKA_UNSUPPORTED = 5,      /* valid request this build cannot do */
  LOKA_UNAVAILABLE = 6,      /* a component (e.g. the CUDA backend) is not present */
  LOKA_OUT_OF_MEMORY = 7,
  LOKA_INTERNAL = 8,         /* a bug in loka */
  LOKA_KEY = 9,              /* no key, or the wrong key, for a sealed model file */
  LOKA_INTEGRITY = 10        /* a sealed file failed authentication (damaged or tampered with) */
} loka_code;

typedef struct loka_status loka_status;

/* The status code; LOKA_OK for NULL. */
LOKA_API loka_code loka_status_code(const loka_status* status);
/* The message (names the file, field or argument at fault); "" for NULL. Owned by the
 * status: valid until loka_status_free(). */
LOKA_API const char* loka_status_message(const loka_status* status);
/* Frees a status; NULL is allowed. */
LOKA_API void loka_status_free(loka_status* status);

/* The library version, e.g. "0.1.0". Static storage: do not free. */
LOKA_API const char* loka_version(void);
/* Frees memory this library returned (token arrays, strings); NULL is allowed. */
LOKA_API void loka_free(void* memory);

/* ---- Model ------------------------------------------------------------------------------ */

typedef struct loka_model loka_model;

typedef void (*loka_progress_fn)(double fraction, void* user_data);
/* Fetches the 32-byte key of a sealed model (e.g. from the host's KMS or HSM): `key_id` is
 * the public label in the file's header ("" if none); write key_len (= 32) bytes to `key` and
 * return 0, or return nonzero when there is no key (the load fails with LOKA_KEY). Called on
 * the loading thread; `key` is wiped after use. */
typedef int32_t (*loka_key_fn)(const char* key_id, uint8_t* key, size_t key_len, void* user_data);

/* ---- Versioned params structs -----------------------------------------------------------
 * loka_model_params, loka_session_params and loka_generate_params start with struct_size and
 * only ever grow at the end. Initialize one with its init function and the size of the struct
 * YOUR header declares, best through the macros:
 *
 *   loka_generate_params p;
 *   loka_status* st = LOKA_GENERATE_PARAMS_INIT(&p);   (NULL: p holds the defaults)
 *
 * The library writes min(struct_size, its own size) bytes (never a byte past struct_size) and
 * sets p.struct_size = struct_size; a call that reads the struct takes the defaults for the
 * fields past the caller's struct_size. So a program built against an older loka.h works with
 * a newer library, and one built against a newer loka.h with an older library that has the
 * init functions (it ignores the fields it does not know). The init functions (added after
 * v1, replacing *_params_default) fail with LOKA_INVALID_ARGUMENT for NULL or a struct_size
 * smaller than the struct_size field itself. */

/* Fields are only ever added at the end. */
typedef struct loka_model_params {
  size_t struct_size;
  const char* device;            /* "cpu" (default when NULL) or "cuda:N" */
  int32_t threads;               /* 0 = all cores */
  int32_t use_mmap;              /* nonzero (default): map the files; 0: read them */
  int32_t use_mlock;             /* nonzero: lock the weights in memory */
  loka_progress_fn progress;     /* may be NULL; called with 0..1 while loading */
  void* progress_user_data;
  /* Sealed (.lks) models, see docs/sealed-format.md: at most one key source may be set. The
   * key is wiped from memory after use; LOKA_KEY when it is missing or wrong. */
  loka_key_fn key_fn;            /* may be NULL: asked for the 32-byte key */
  void* key_user_data;
  const char* key_file;          /* may be NULL: a file of 32 raw bytes or 64 hex digits */
  const char* passphrase;        /* may be NULL: derived with the file's KDF (scrypt/PBKDF2) */
} loka_model_params;

/* Fills the first struct_size bytes of *params with the defaults; see above. */
LOKA_API loka_status* loka_model_params_init(loka_model_params* params, size_t struct_size);
#define LOKA_MODEL_PARAMS_INIT(p) loka_model_params_init((p), sizeof(*(p)))
/* Deprecated: writes the library's sizeof(loka_model_params) bytes, which overruns the struct
 * of a caller built against an older, smaller loka.h. Use loka_model_params_init(). */
LOKA_API LOKA_DEPRECATED("use LOKA_MODEL_PARAMS_INIT / loka_model_params_init")
void loka_model_params_default(loka_model_params* params);

/* Loads a Hugging Face folder, a GGUF file, or a sealed container of either (with a key
 * source in params). params may be NULL (defaults). On success
 * *out_model is set; the caller frees it with loka_model_free(). */
LOKA_API loka_status* loka_model_load(const char* path, const loka_model_params* params,
                                      loka_model** out_model);
/* Frees a model; NULL is allowed. Sessions keep the model alive until they are freed. */
LOKA_API void loka_model_free(loka_model* model);

typedef struct loka_model_info {
  size_t struct_size;
  const char* architecture;  /* strings are owned by the model: valid until loka_model_free() */
  const char* format;        /* "safetensors" or "gguf" */
  const char* weight_dtype;
  int64_t parameters;
  int64_t vocab_size;
  int64_t context_length;
  int64_t hidden_size;
  int64_t layers;
} loka_model_info;

/* Fills *out_info; set out_info->struct_size first. */
LOKA_API loka_status* loka_model_get_info(const loka_model* model, loka_model_info* out_info);

/* Text -> token ids. add_special: BOS/EOS as the model config says; parse_special: match
 * special-token texts. On success the caller frees *out_ids with loka_free(). */
LOKA_API loka_status* loka_tokenize(const loka_model* model, const char* text, size_t text_len,
                                    int32_t add_special, int32_t parse_special,
                                    int32_t** out_ids, size_t* out_count);
/* Token ids -> NUL-terminated UTF-8 text (*out_len excludes the NUL; out_len may be NULL).
 * The caller frees *out_text with loka_free(). */
LOKA_API loka_status* loka_detokenize(const loka_model* model, const int32_t* ids, size_t count,
                                      int32_t skip_special, char** out_text, size_t* out_len);

typedef struct loka_chat_message {
  const char* role;     /* "system", "user", "assistant", ... */
  const char* content;
} loka_chat_message;

/* Renders messages with the model's chat template. The caller frees *out_text with loka_free(). */
LOKA_API loka_status* loka_apply_chat_template(const loka_model* model,
                                               const loka_chat_message* messages, size_t count,
                                               int32_t add_generation_prompt, char** out_text);

/* ---- Session and generation ------------------------------------------------------------- */

typedef struct loka_session loka_session;

typedef struct loka_session_params {
  size_t struct_size;
  int64_t context_length;  /* tokens the session holds; 0 = the model's context length */
} loka_session_params;

/* Fills the first struct_size bytes of *params with the defaults (see "Versioned params
 * structs" above). */
LOKA_API loka_status* loka_session_params_init(loka_session_params* params, size_t struct_size);
#define LOKA_SESSION_PARAMS_INIT(p) loka_session_params_init((p), sizeof(*(p)))
/* Deprecated like loka_model_params_default: use loka_session_params_init(). */
LOKA_API LOKA_DEPRECATED("use LOKA_SESSION_PARAMS_INIT / loka_session_params_init")
void loka_session_params_default(loka_session_params* params);
/* params may be NULL. The caller frees *out_session with loka_session_free(). */
LOKA_API loka_status* loka_session_create(loka_model* model, const loka_session_params* params,
                                          loka_session** out_session);
/* Frees a session; NULL is allowed. */
LOKA_API void loka_session_free(loka_session* session);
/* Forgets the conversation held in the session's cache. */
LOKA_API loka_status* loka_session_reset(loka_session* session);
/* Stops the generation running in the session as soon as possible; callable from any
 * thread. If none runs, the next one returns at once. NULL is allowed. */
LOKA_API void loka_session_cancel(loka_session* session);

/* Sampler chain: penalties -> top-k -> top-p -> min-p -> temperature -> draw
 * (llama.cpp's default order); temperature <= 0 is greedy. */
typedef struct loka_generate_params {
  size_t struct_size;
  int32_t max_tokens;         /* < 0: until EOS, a stop string or a full context */
  float temperature;
  int32_t top_k;              /* <= 0: off */
  float top_p;                /* >= 1: off */
  float min_p;                /* <= 0: off */
  float repeat_penalty;       /* 1: off */
  float presence_penalty;     /* 0: off */
  float frequency_penalty;    /* 0: off */
  int32_t penalty_last_n;     /* tokens the penalties look back on; < 0: all */
  uint64_t seed;              /* same seed, same output */
  const char* const* stop;    /* stop strings (not emitted); may be NULL */
  size_t stop_count;
  int32_t ignore_eos;
} loka_generate_params;

/* Fills the first struct_size bytes of *params with the defaults (see "Versioned params
 * structs" above). */
LOKA_API loka_status* loka_generate_params_init(loka_generate_params* params, size_t struct_size);
#define LOKA_GENERATE_PARAMS_INIT(p) loka_generate_params_init((p), sizeof(*(p)))
/* Deprecated like loka_model_params_default: use loka_generate_params_init(). */
LOKA_API LOKA_DEPRECATED("use LOKA_GENERATE_PARAMS_INIT / loka_generate_params_init")
void loka_generate_params_default(loka_generate_params* params);

typedef enum loka_stop_reason {
  LOKA_STOP_EOS = 0,
  LOKA_STOP_STRING = 1,
  LOKA_STOP_MAX_TOKENS = 2,
  LOKA_STOP_CONTEXT_FULL = 3,
  LOKA_STOP_CALLBACK = 4,
  LOKA_STOP_CANCELLED = 5
} loka_stop_reason;

typedef struct loka_stats {
  size_t struct_size;
  int64_t prompt_tokens;
  int64_t cached_tokens;     /* prompt tokens reused from the session (not recomputed) */
  int64_t generated_tokens;
  double time_to_first_token_ms;
  double prefill_tokens_per_s;
  double decode_tokens_per_s;
  int32_t stop_reason;       /* a loka_stop_reason */
} loka_stats;

/* Receives each new piece of text: `len` bytes of whole UTF-8 characters, NUL-terminated,
 * valid only during the call. Return 0 to go on, nonzero to stop. */
typedef int32_t (*loka_token_fn)(const char* piece, size_t len, void* user_data);

/* Generates a continuation of `prompt` (tokenized with the model's BOS rules). params and
 * on_token may be NULL; out_stats may be NULL, else set its struct_size first. */
LOKA_API loka_status* loka_generate(loka_session* session, const char* prompt,
                                    const loka_generate_params* params, loka_token_fn on_token,
                                    void* user_data, loka_stats* out_stats);
/* Same, from token ids. */
LOKA_API loka_status* loka_generate_tokens(loka_session* session, const int32_t* ids, size_t count,
                                           const loka_generate_params* params, loka_token_fn on_token,
                                           void* user_data, loka_stats* out_stats);
/* Renders the conversation with the chat template and generates the assistant's answer. */
LOKA_API loka_status* loka_chat(loka_session* session, const loka_chat_message* messages,
                                size_t count, const loka_generate_params* params,
                                loka_token_fn on_token, void* user_data, loka_stats* out_stats);

/* ---- Additions after v1 (append-only) ----------------------------------------------------
 * Threads: a model may be used by many threads at once (each with its own sessions); a
 * session by one thread at a time, except loka_session_cancel(). */

/* Copies the logits of the session's last forward step, one float per vocabulary entry: the
 * distribution the last generated token was drawn from (with max_tokens = 0: the next-token
 * distribution after the prompt). With out = NULL only *out_count is set; else `capacity`
 * floats must fit the count (INVALID_ARGUMENT otherwise). NOT_FOUND before any generation
 * in the session and after loka_session_reset(). */
LOKA_API loka_status* loka_session_get_logits(const loka_session* session, float* out, size_t capacity,
                                              size_t* out_count);

#ifdef __cplusplus
}
#endif

#endif /* LOKA_H_ */

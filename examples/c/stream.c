/* Streams a completion from a model through the loka C ABI: stream MODEL_PATH [PROMPT]. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "loka.h"

static loka_session* g_session = NULL;

/* Ctrl-C stops the generation cleanly instead of killing the program. */
static void on_sigint(int sig) {
  (void)sig;
  loka_session_cancel(g_session);
}

static int32_t on_token(const char* piece, size_t len, void* user_data) {
  (void)user_data;
  fwrite(piece, 1, len, stdout);
  fflush(stdout);
  return 0; /* 0: go on */
}

/* Prints the status, frees it and says whether the call failed. */
static int failed(loka_status* status, const char* what) {
  if (status == NULL) return 0;
  fprintf(stderr, "%s: %s\n", what, loka_status_message(status));
  loka_status_free(status);
  return 1;
}

int main(int argc, char** argv) {
  loka_model* model = NULL;
  loka_generate_params params;
  loka_stats stats;
  const char* stop[] = {"\n\n"};
  int rc = 1;

  if (argc < 2) {
    fprintf(stderr, "usage: %s MODEL_PATH [PROMPT]\n", argv[0]);
    return 2;
  }
  fprintf(stderr, "loka %s\n", loka_version());
  if (failed(loka_model_load(argv[1], NULL, &model), "load")) return 1;
  if (failed(loka_session_create(model, NULL, &g_session), "session")) goto done;
  signal(SIGINT, on_sigint);

  /* The defaults for the struct this program was compiled with (a newer library may have a larger one). */
  if (failed(LOKA_GENERATE_PARAMS_INIT(&params), "params")) goto done;
  params.max_tokens = 64;
  params.temperature = 0.7f;
  params.seed = 42;
  params.stop = stop;
  params.stop_count = 1;
  stats.struct_size = sizeof stats;

  fputs(argc > 2 ? argv[2] : "It is a truth", stdout);
  if (failed(loka_generate(g_session, argc > 2 ? argv[2] : "It is a truth", &params, on_token, NULL, &stats),
             "generate"))
    goto done;
  printf("\n");
  fprintf(stderr, "%lld prompt tokens, %lld generated; first token after %.1f ms; %.1f tokens/s\n",
          (long long)stats.prompt_tokens, (long long)stats.generated_tokens, stats.time_to_first_token_ms,
          stats.decode_tokens_per_s);
  rc = 0;
done:
  loka_session_free(g_session); /* both accept NULL */
  loka_model_free(model);
  return rc;
}

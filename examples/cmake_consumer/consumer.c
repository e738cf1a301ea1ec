/* Consumer of an installed loka through the C ABI: loads a model and streams a short completion. */
#include <stdio.h>

#include <loka.h>

static int32_t print_piece(const char* piece, size_t len, void* user_data) {
  (void)user_data;
  fwrite(piece, 1, len, stdout);
  return 0;
}

int main(int argc, char** argv) {
  loka_model* model = NULL;
  loka_session* session = NULL;
  loka_generate_params params;
  loka_status* status;
  if (argc < 2) {
    fprintf(stderr, "usage: %s MODEL\n", argv[0]);
    return 2;
  }
  status = loka_model_load(argv[1], NULL, &model);
  if (status == NULL) status = loka_session_create(model, NULL, &session);
  if (status == NULL) status = LOKA_GENERATE_PARAMS_INIT(&params);
  if (status == NULL) {
    params.max_tokens = 12;
    params.temperature = 0;
    printf("loka %s (C ABI): It is a truth", loka_version());
    status = loka_generate(session, "It is a truth", &params, print_piece, NULL, NULL);
    printf("\n");
  }
  if (status != NULL) fprintf(stderr, "error: %s\n", loka_status_message(status));
  loka_status_free(status);
  loka_session_free(session);
  loka_model_free(model);
  return status == NULL ? 0 : 1;
}

/* Compiled with -std=c99 -pedantic -Werror: loka.h must be plain C99 (its deprecation markers too). */
#include "loka.h"

int main(void) {
  loka_model_params model;
  loka_session_params session;
  loka_generate_params params;
  loka_status* status = LOKA_MODEL_PARAMS_INIT(&model);
  if (status == NULL) status = LOKA_SESSION_PARAMS_INIT(&session);
  if (status == NULL) status = LOKA_GENERATE_PARAMS_INIT(&params);
  loka_status_free(status);
  return params.struct_size == sizeof params ? 0 : 1;
}

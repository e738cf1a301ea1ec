/* Compiled with -std=c99 -pedantic -Werror: loka.h must be plain C99. */
#include "loka.h"

int main(void) {
  loka_generate_params params;
  loka_generate_params_default(&params);
  return params.struct_size == sizeof params ? 0 : 1;
}

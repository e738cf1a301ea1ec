// Catch2 entry point; prints the conformance table after the run.
#define CATCH_CONFIG_RUNNER
#include <catch2/catch.hpp>

#include "conformance/conformance.h"

int main(int argc, char* argv[]) {
  const int rc = Catch::Session().run(argc, argv);
  loka::test::print_conformance_table();
  return rc;
}

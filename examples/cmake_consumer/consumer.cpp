// Consumer of an installed loka through the C++ API: loads a model and prints a short completion.
#include <cstdio>
#include <loka/loka.hpp>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s MODEL\n", argv[0]);
    return 2;
  }
  try {
    loka::api::Session session(loka::api::Model::load(argv[1]));
    loka::api::GenerateParams params;
    params.max_tokens = 12;
    params.sampling.temperature = 0;
    const loka::api::Result r = session.generate("It is a truth", params);
    std::printf("loka %s (C++ API): It is a truth%s\n", loka::api::version(), r.text.c_str());
    return 0;
  } catch (const loka::api::Error& e) {
    std::fprintf(stderr, "error: %s\n", e.what());
    return 1;
  }
}

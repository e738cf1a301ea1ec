// Helpers for the sealed-container tests.
#include "seal/seal_test_util.h"

#include <fstream>
#include <random>
#include <sstream>

#include "test_util.h"

namespace loka::seal_test {

std::string random_bytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (auto& c : s) c = static_cast<char>(rng() & 0xff);
  return s;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<uint8_t> test_key(uint8_t seed) {
  std::vector<uint8_t> k(32);
  for (size_t i = 0; i < k.size(); ++i) k[i] = static_cast<uint8_t>(seed * 31 + i * 7);
  return k;
}

seal::KeySource key_source(uint8_t seed) { return seal::KeySource::bytes(test_key(seed)); }

void seal_small(const std::string& input, const std::string& output, seal::Suite suite,
                const seal::KeySource& key) {
  seal::SealOptions o;
  o.suite = suite;
  o.chunk_log2 = seal::kMinChunkLog2;
  o.kdf_p1 = 10;  // scrypt N = 1024 keeps passphrase tests fast
  seal::seal_model(input, output, key, o);
}

std::string sealed_copy(const std::string& plain, seal::Suite suite, const std::string& name,
                        int64_t flip) {
  const std::string in = test::temp_path(name + "_plain.bin");
  test::write_file(in, plain);
  const std::string out = test::temp_path(name + ".lks");
  seal_small(in, out, suite);
  if (flip >= 0) {
    std::string bytes = read_file(out);
    bytes[static_cast<size_t>(flip)] = static_cast<char>(bytes[static_cast<size_t>(flip)] ^ 0x10);
    test::write_file(out, bytes);
  }
  return out;
}

}  // namespace loka::seal_test

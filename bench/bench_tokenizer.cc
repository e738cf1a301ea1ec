// Single-thread encode throughput of loka's tokenizer on a NUL-separated corpus
// (tools/make_tokenizer_corpus.py); prints MB/s, the token count and an FNV-1a
// checksum of the ids that tools/bench_tokenizer_hf.py prints for the HF side.
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.h"
#include "core/mapped_file.h"
#include "tokenizer/tokenizer.h"

namespace {

uint64_t fnv1a_ids(uint64_t checksum, const std::vector<int32_t>& ids) {
  for (int32_t id : ids) {
    const auto u = static_cast<uint32_t>(id);
    for (int shift = 0; shift < 32; shift += 8) {
      checksum ^= (u >> shift) & 0xFF;
      checksum *= 0x100000001B3ull;
    }
  }
  return checksum;
}

std::vector<std::string_view> split_documents(std::string_view data) {
  std::vector<std::string_view> docs;
  size_t start = 0;
  for (size_t i = 0; i <= data.size(); ++i) {
    if (i == data.size() || data[i] == '\0') {
      docs.push_back(data.substr(start, i - start));
      start = i + 1;
    }
  }
  return docs;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: bench_tokenizer SOURCE CORPUS [REPEAT]\n"
                         "  SOURCE: GGUF file, Hugging Face folder or tokenizer.json\n");
    return 2;
  }
  const int repeat = argc > 3 ? std::max(1, std::atoi(argv[3])) : 3;
  try {
    const loka::Tokenizer tokenizer = loka::Tokenizer::open(argv[1]);
    auto corpus = loka::FileBytes::open(argv[2]);
    const std::string_view data(reinterpret_cast<const char*>(corpus->data()), corpus->size());
    const std::vector<std::string_view> docs = split_documents(data);
    double best = 1e30, first = 0;
    std::vector<std::vector<int32_t>> encoded(docs.size());
    for (int r = 0; r < repeat; ++r) {
      const auto start = std::chrono::steady_clock::now();
      for (size_t i = 0; i < docs.size(); ++i) encoded[i] = tokenizer.encode(docs[i]);
      const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (r == 0) first = seconds;  // cold: the tokenizer's word cache starts empty
      best = std::min(best, seconds);
    }
    uint64_t checksum = 0xCBF29CE484222325ull;
    size_t tokens = 0;
    for (const auto& ids : encoded) {
      checksum = fnv1a_ids(checksum, ids);
      tokens += ids.size();
    }
    std::printf("loka: %.2f MB/s first pass, %.2f MB/s best of %d (%.2f MB, %zu docs) tokens %zu checksum %016llx\n",
                data.size() / 1e6 / first, data.size() / 1e6 / best, repeat, data.size() / 1e6, docs.size(), tokens,
                static_cast<unsigned long long>(checksum));
  } catch (const loka::Error& e) {
    std::fprintf(stderr, "bench_tokenizer: %s\n", e.what());
    return 1;
  }
  return 0;
}

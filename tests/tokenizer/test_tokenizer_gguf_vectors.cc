// Tokenizer against llama.cpp's vocab test vectors (../shared/testdata/vocab): every input of
// every vocabulary must give exactly the ids the Hugging Face tokenizer gave.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "formats/gguf_file.h"
#include "formats/gzip_file.h"
#include "test_util.h"
#include "tokenizer/tokenizer.h"

using namespace loka;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Inputs are each followed by "\n__ggml_vocab_test__\n".
std::vector<std::string> read_inputs(const std::string& path) {
  const std::string text = slurp(path);
  const std::string sep = "\n__ggml_vocab_test__\n";
  std::vector<std::string> out;
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t end = text.find(sep, pos);
    if (end == std::string::npos) break;
    out.push_back(text.substr(pos, end - pos));
    pos = end + sep.size();
  }
  return out;
}

std::vector<std::vector<int32_t>> read_outputs(const std::string& path) {
  std::istringstream in(slurp(path));
  std::vector<std::vector<int32_t>> out;
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream ls(line);
    std::vector<int32_t> ids;
    int32_t id;
    while (ls >> id) ids.push_back(id);
    out.push_back(std::move(ids));
  }
  return out;
}

std::string show(const std::vector<int32_t>& ids) {
  std::string s;
  for (int32_t id : ids) s += std::to_string(id) + " ";
  return s;
}

}  // namespace

TEST_CASE("tokenizer: GGUF vocab vectors match exactly", "[tokenizer][gguf]") {
  const std::string dir = test::testdata_dir();
  if (dir.empty()) {
    WARN("skipping: ../shared/testdata is absent (the shared test data is not checked out)");
    return;
  }
  const char* names[] = {"gpt-2", "llama-spm", "llama-bpe", "qwen2", "deepseek-coder", "phi-3", "command-r"};
  for (const char* name : names) {
    const std::string base = dir + "/vocab/ggml-vocab-" + name + ".gguf";
    const test::TempFile plain = test::gunzip_to_temp(base + ".gz", ".gguf");
    const Tokenizer tok = Tokenizer::from_gguf(GgufFile::open(plain.path()));
    const auto inputs = read_inputs(base + ".inp");
    const auto outputs = read_outputs(base + ".out");
    REQUIRE(inputs.size() == outputs.size());
    size_t ok = 0;
    for (size_t i = 0; i < inputs.size(); ++i) {
      const std::vector<int32_t> got = tok.encode(inputs[i], {.add_special = false, .parse_special = false});
      if (got == outputs[i]) {
        ++ok;
      } else {
        UNSCOPED_INFO(name << " input " << i << " '" << inputs[i] << "'\n  expected " << show(outputs[i])
                           << "\n  got      " << show(got));
      }
    }
    WARN(name << ": " << ok << "/" << inputs.size() << " inputs match");
    CHECK(ok == inputs.size());
    const bool byte_level = std::string(name) != "llama-spm" && std::string(name) != "phi-3";
    if (byte_level) {  // byte-level BPE is lossless: decode and the stream give the input back
      size_t round = 0;
      for (const std::string& text : inputs) {
        const auto ids = tok.encode(text, {.parse_special = false});
        StreamDecoder sd(tok);
        std::string streamed;
        for (int32_t id : ids) streamed += sd.push(id);
        streamed += sd.flush();
        round += tok.decode(ids) == text && streamed == text;
      }
      CHECK(round == inputs.size());
    }
    // encode is const and thread-safe: two threads agree with the single-threaded result.
    std::vector<std::vector<int32_t>> a(inputs.size()), b(inputs.size());
    std::thread t1([&] { for (size_t i = 0; i < inputs.size(); ++i) a[i] = tok.encode(inputs[i], {.parse_special = false}); });
    std::thread t2([&] { for (size_t i = inputs.size(); i-- > 0;) b[i] = tok.encode(inputs[i], {.parse_special = false}); });
    t1.join();
    t2.join();
    CHECK(a == outputs);
    CHECK(b == outputs);
  }
}

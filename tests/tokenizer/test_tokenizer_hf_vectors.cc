// Tokenizer against Hugging Face tokenizers on DeepSeek-V3, Llama 3 and Qwen3 tokenizer.json
// files: ids, decoded text and streamed text of tests/data/tokenizer/hf/*.jsonl
// (tools/make_tokenizer_fixtures.py), plus folder loading and the tokenizer_config fields.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "formats/gzip_file.h"
#include "test_util.h"
#include "tokenizer/tokenizer.h"

using namespace loka;
using nlohmann::json;

namespace {

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string show(const std::vector<int32_t>& ids) {
  std::string s;
  for (int32_t id : ids) s += std::to_string(id) + " ";
  return s;
}

// A folder holding the decompressed tokenizer.json beside a copy of tokenizer_config.json.
std::string make_folder(const std::string& name) {
  const std::string src = test::testdata_dir() + "/tokenizers/" + name;
  const std::string dir = test::temp_path("hf-" + name);
  std::filesystem::create_directories(dir);
  const test::TempFile json = test::gunzip_to_temp(src + "/tokenizer.json.gz", ".json");
  std::filesystem::copy_file(json.path(), dir + "/tokenizer.json",
                             std::filesystem::copy_options::overwrite_existing);
  std::filesystem::copy_file(src + "/tokenizer_config.json", dir + "/tokenizer_config.json",
                             std::filesystem::copy_options::overwrite_existing);
  return dir;
}

}  // namespace

TEST_CASE("tokenizer: Hugging Face tokenizer.json vectors match exactly", "[tokenizer][hf]") {
  if (test::testdata_dir().empty()) {
    WARN("skipping: ../shared/testdata is absent (the shared test data is not checked out)");
    return;
  }
  for (const char* name : {"deepseek-v3", "llama3", "qwen3"}) {
    const Tokenizer tok = Tokenizer::open(make_folder(name));
    std::istringstream lines(slurp(test::source_data_dir() + "/tokenizer/hf/" + name + ".jsonl"));
    std::string line;
    size_t total = 0, ids_ok = 0, dec_ok = 0, stream_ok = 0, shown = 0;
    while (std::getline(lines, line)) {
      if (line.empty()) continue;
      const json v = json::parse(line);
      const std::string text = v.at("text").get<std::string>();
      const auto want = v.at("ids").get<std::vector<int32_t>>();
      const std::string decoded = v.at("decoded").get<std::string>();
      ++total;
      const std::vector<int32_t> got = tok.encode(text, {.add_special = false, .parse_special = true});
      const std::string dec = tok.decode(want);
      StreamDecoder sd(tok);
      std::string streamed;
      for (int32_t id : want) streamed += sd.push(id);
      streamed += sd.flush();
      ids_ok += got == want;
      dec_ok += dec == decoded;
      stream_ok += streamed == decoded;
      if ((got != want || dec != decoded || streamed != decoded) && shown++ < 5) {
        FAIL_CHECK(name << " line " << total << " text " << json(text).dump() << "\n  expected "
                           << show(want) << "\n  got      " << show(got) << "\n  decoded "
                           << json(dec).dump() << " streamed " << json(streamed).dump()
                           << " want " << json(decoded).dump());
      }
    }
    WARN(name << ": " << total << " lines; encode " << ids_ok << ", decode " << dec_ok
              << ", stream " << stream_ok << " match");
    CHECK(total >= 2000);
    CHECK(ids_ok == total);
    CHECK(dec_ok == total);
    CHECK(stream_ok == total);
  }
}

TEST_CASE("tokenizer: tokenizer_config.json fields", "[tokenizer][hf]") {
  if (test::testdata_dir().empty()) {
    WARN("skipping: ../shared/testdata is absent (the shared test data is not checked out)");
    return;
  }
  for (const char* name : {"deepseek-v3", "llama3", "qwen3"}) {
    INFO(name);
    const std::string dir = make_folder(name);
    const json cfg = json::parse(slurp(dir + "/tokenizer_config.json"));
    const Tokenizer tok = Tokenizer::open(dir);
    if (std::string(name) == "qwen3") {  // a tokenizer.json path finds its sibling config too
      const Tokenizer via_file = Tokenizer::open(dir + "/tokenizer.json");
      CHECK(via_file.chat_template() == tok.chat_template());
    }
    CHECK(tok.chat_template() == cfg.at("chat_template").get<std::string>());
    auto text_of = [&](const char* key) -> std::string {
      if (!cfg.contains(key) || cfg[key].is_null()) return "";
      return cfg[key].is_string() ? cfg[key].get<std::string>() : cfg[key].at("content").get<std::string>();
    };
    CHECK(tok.bos_token() == text_of("bos_token"));
    CHECK(tok.eos_token() == text_of("eos_token"));
    if (!text_of("eos_token").empty()) {
      REQUIRE(tok.eos_ids().size() == 1);
      CHECK(tok.token_text(tok.eos_ids()[0]) == text_of("eos_token"));
    }
    const bool add_bos = cfg.value("add_bos_token", false);
    CHECK(tok.add_bos() == add_bos);
    CHECK(tok.add_eos() == cfg.value("add_eos_token", false));
    const auto with = tok.encode("Hello", {.add_special = true});
    const auto without = tok.encode("Hello", {.add_special = false});
    CHECK(with.size() == without.size() + (add_bos ? 1 : 0));
    if (add_bos) CHECK(with.front() == *tok.bos_id());
  }
}

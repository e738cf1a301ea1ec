// Tokenizer error paths: bad input text, unknown ids, malformed tokenizer.json and GGUF files.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "formats/gguf_file.h"
#include "formats/gzip_file.h"
#include "formats/test_gguf_util.h"
#include "tokenizer/tokenizer.h"

using namespace loka;
using nlohmann::json;

namespace {

// A tiny byte-level BPE tokenizer.json: "a", "b", "ab", "Ġ" and one merge.
json tiny_json() {
  return json::parse(R"({
    "added_tokens": [{"id": 4, "content": "<|end|>", "single_word": false, "lstrip": false,
                      "rstrip": false, "normalized": false, "special": true}],
    "normalizer": null,
    "pre_tokenizer": {"type": "ByteLevel", "add_prefix_space": false, "trim_offsets": true, "use_regex": true},
    "post_processor": null,
    "decoder": {"type": "ByteLevel"},
    "model": {"type": "BPE", "vocab": {"a": 0, "b": 1, "ab": 2, "Ġ": 3}, "merges": ["a b"]}
  })");
}

Tokenizer tiny() { return Tokenizer::from_hf_json(tiny_json().dump(), "", "tiny.json"); }

template <typename F>
std::string error_of(F&& f, ErrorCode code) {
  try {
    f();
  } catch (const Error& e) {
    CHECK(error_code_name(e.code()) == std::string(error_code_name(code)));
    return e.what();
  }
  FAIL("no error thrown");
  return "";
}

// GGUF bytes with the given tokenizer metadata (strings or string/int arrays).
struct Kv {
  std::string key;
  std::vector<std::string> strs;  // array of strings (or one string when scalar)
  std::vector<int32_t> ints;      // int32 array
  bool scalar = false;
};

std::string make_gguf(const std::vector<Kv>& kvs) {
  gguf_test::GgufWriter w;
  w.u32(0x46554747).u32(3).u64(0).u64(kvs.size());
  auto str = [&](const std::string& s) { w.u64(s.size()); w.raw(s); };
  for (const Kv& kv : kvs) {
    str(kv.key);
    if (kv.scalar) {
      w.u32(8);
      str(kv.strs[0]);
    } else if (!kv.ints.empty()) {
      w.u32(9).u32(5).u64(kv.ints.size());
      for (int32_t v : kv.ints) w.put(v);
    } else {
      w.u32(9).u32(8).u64(kv.strs.size());
      for (const std::string& s : kv.strs) str(s);
    }
  }
  return w.bytes();
}

}  // namespace

TEST_CASE("tokenizer: tiny tokenizer.json works", "[tokenizer][errors]") {
  const Tokenizer t = tiny();
  CHECK(t.encode("ab a<|end|>") == std::vector<int32_t>{2, 3, 0, 4});
  // As text, "<|end|>" has no tokens (no unk token): its characters are dropped, as HF does.
  CHECK(t.encode("a<|end|>", {.parse_special = false}) == std::vector<int32_t>{0});
  const std::vector<int32_t> ids{2, 3, 0, 4};
  CHECK(t.decode(ids) == "ab a<|end|>");
  CHECK(t.decode(ids, {.skip_special = true}) == "ab a");
}

TEST_CASE("tokenizer: invalid input and ids", "[tokenizer][errors]") {
  const Tokenizer t = tiny();
  const std::string msg = error_of([&] { t.encode(std::string("ab\xC3(", 4)); }, ErrorCode::kInvalidArgument);
  CHECK_THAT(msg, Catch::Contains("offset 2"));
  const std::vector<int32_t> ids{0, 1, 99};
  const std::string m2 = error_of([&] { t.decode(ids); }, ErrorCode::kInvalidArgument);
  CHECK_THAT(m2, Catch::Contains("99") && Catch::Contains("position 2"));
  const std::vector<int32_t> neg{-1};
  error_of([&] { t.decode(neg); }, ErrorCode::kInvalidArgument);
  StreamDecoder sd(t);
  CHECK(sd.push(0) == "a");
  error_of([&] { sd.push(5); }, ErrorCode::kInvalidArgument);
}

TEST_CASE("tokenizer: malformed tokenizer.json", "[tokenizer][errors]") {
  const std::string good = tiny_json().dump();
  SECTION("truncated") {
    CHECK_THAT(error_of([&] { Tokenizer::from_hf_json(good.substr(0, good.size() / 2), "", "t.json"); },
                        ErrorCode::kFormat),
               Catch::Contains("t.json"));
  }
  SECTION("missing model") {
    json j = tiny_json();
    j.erase("model");
    CHECK_THAT(error_of([&] { Tokenizer::from_hf_json(j.dump(), "", "t.json"); }, ErrorCode::kFormat),
               Catch::Contains("model"));
  }
  SECTION("wrong types") {
    json j = tiny_json();
    j["model"]["vocab"]["a"] = "zero";
    error_of([&] { Tokenizer::from_hf_json(j.dump(), "", "t.json"); }, ErrorCode::kFormat);
    j = tiny_json();
    j["model"]["merges"] = 5;
    error_of([&] { Tokenizer::from_hf_json(j.dump(), "", "t.json"); }, ErrorCode::kFormat);
    j = tiny_json();
    j["added_tokens"][0]["content"] = 7;
    error_of([&] { Tokenizer::from_hf_json(j.dump(), "", "t.json"); }, ErrorCode::kFormat);
  }
  SECTION("merge with an unknown token") {
    json j = tiny_json();
    j["model"]["merges"].push_back("a zz");
    CHECK_THAT(error_of([&] { Tokenizer::from_hf_json(j.dump(), "", "t.json"); }, ErrorCode::kFormat),
               Catch::Contains("/model/merges/1") && Catch::Contains("zz"));
  }
  SECTION("unknown component types") {
    json j = tiny_json();
    j["pre_tokenizer"] = {{"type", "Frobnicate"}};
    CHECK_THAT(error_of([&] { Tokenizer::from_hf_json(j.dump(), "", "t.json"); }, ErrorCode::kUnsupported),
               Catch::Contains("Frobnicate"));
    j = tiny_json();
    j["normalizer"] = {{"type", "Precompiled"}};
    error_of([&] { Tokenizer::from_hf_json(j.dump(), "", "t.json"); }, ErrorCode::kUnsupported);
    j = tiny_json();
    j["model"]["type"] = "Unigram";
    error_of([&] { Tokenizer::from_hf_json(j.dump(), "", "t.json"); }, ErrorCode::kUnsupported);
    j = tiny_json();
    j["pre_tokenizer"] = {{"type", "Split"}, {"pattern", {{"Regex", "(unclosed"}}}, {"behavior", "Isolated"}};
    error_of([&] { Tokenizer::from_hf_json(j.dump(), "", "t.json"); }, ErrorCode::kUnsupported);
  }
  SECTION("bad config") {
    error_of([&] { Tokenizer::from_hf_json(good, "{\"bos_token\": 3}", "t.json"); }, ErrorCode::kFormat);
    error_of([&] { Tokenizer::from_hf_json(good, "{\"eos_token\": \"<nope>\"}", "t.json"); }, ErrorCode::kFormat);
    error_of([&] { Tokenizer::from_hf_json(good, "[1,", "t.json"); }, ErrorCode::kFormat);
  }
  SECTION("missing files") {
    error_of([] { Tokenizer::open("/nonexistent/dir/tokenizer.json"); }, ErrorCode::kNotFound);
  }
}

TEST_CASE("tokenizer: malformed GGUF tokenizer metadata", "[tokenizer][errors]") {
  const Kv model{"tokenizer.ggml.model", {"gpt2"}, {}, true};
  const Kv tokens{"tokenizer.ggml.tokens", {"a", "b", "ab"}, {}, false};
  const Kv merges{"tokenizer.ggml.merges", {"a b"}, {}, false};
  auto load = [](const std::string& bytes) {
    const test::TempFile f = test::temp_file_with(bytes, ".gguf");
    return Tokenizer::from_gguf(GgufFile::open(f.path()));
  };
  SECTION("a valid one loads") {
    const Tokenizer t = load(make_gguf({model, tokens, merges, {"tokenizer.ggml.pre", {"gpt-2"}, {}, true}}));
    CHECK(t.encode("ab") == std::vector<int32_t>{2});
  }
  SECTION("unknown pre-tokenizer") {
    const std::string msg = error_of([&] { load(make_gguf({model, tokens, merges, {"tokenizer.ggml.pre", {"martian"}, {}, true}})); },
                                     ErrorCode::kUnsupported);
    CHECK_THAT(msg, Catch::Contains("martian") && Catch::Contains(".gguf"));
  }
  SECTION("token_type length differs") {
    const std::string msg = error_of([&] { load(make_gguf({model, tokens, merges, {"tokenizer.ggml.token_type", {}, {1, 1}, false}})); },
                                     ErrorCode::kFormat);
    CHECK_THAT(msg, Catch::Contains("token_type"));
  }
  SECTION("unknown model, missing tokens, missing merges, duplicate tokens") {
    error_of([&] { load(make_gguf({{"tokenizer.ggml.model", {"klingon"}, {}, true}, tokens})); }, ErrorCode::kUnsupported);
    error_of([&] { load(make_gguf({model})); }, ErrorCode::kNotFound);
    error_of([&] { load(make_gguf({model, tokens})); }, ErrorCode::kNotFound);
    error_of([&] { load(make_gguf({model, {"tokenizer.ggml.tokens", {"a", "a"}, {}, false}, merges})); }, ErrorCode::kFormat);
    error_of([&] { load(make_gguf({model, tokens, {"tokenizer.ggml.merges", {"ab"}, {}, false}})); }, ErrorCode::kFormat);
  }
}

// Generator tests on a fake model: streaming, stop strings across tokens, EOS, limits, cancellation, stats, chat.
#include <atomic>
#include <chrono>
#include <fstream>
#include <iterator>
#include <thread>

#include <catch2/catch.hpp>

#include "core/error.h"
#include "runtime/fake_model.h"
#include "runtime/generator.h"
#include "test_util.h"

using namespace loka;
using loka::test::FakeModel;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE(in.good());
  return std::string(std::istreambuf_iterator<char>(in), {});
}

const std::string kAusten = std::string(LOKA_SOURCE_DIR) + "/examples/models/austen-6m";

// The demo model's byte-level BPE tokenizer (vocab 4096, BOS 0, EOS 1).
Tokenizer austen_tokenizer() {
  static const Tokenizer tok = Tokenizer::open(kAusten);
  return tok;
}

// The same, with a chat template that prints BOS itself (as Llama 3's does).
Tokenizer austen_chat_tokenizer() {
  const std::string config = R"({"bos_token": "<|begin_of_text|>", "eos_token": "<|end_of_text|>",
    "add_bos_token": true, "chat_template": "{{ bos_token }}{% for m in messages %}<{{ m.role }}>{{ m.content }}\n{% endfor %}{% if add_generation_prompt %}<assistant>{% endif %}"})";
  return Tokenizer::from_hf_json(read_text(kAusten + "/tokenizer.json"), config, "austen-chat");
}

GenerateOptions greedy(int32_t max_tokens = 64) {
  GenerateOptions o;
  o.max_tokens = max_tokens;
  o.sampling.temperature = 0;
  return o;
}

// A model that, after `prompt`, continues with the tokens of `continuation`.
std::shared_ptr<FakeModel> scripted(const std::vector<int32_t>& prompt, const std::string& continuation,
                                    int64_t context = 4096) {
  auto m = std::make_shared<FakeModel>(austen_tokenizer(), context);
  m->script = m->tokenizer().encode(continuation);
  m->base = static_cast<int64_t>(prompt.size());
  return m;
}

}  // namespace

TEST_CASE("generator: streamed pieces concatenate to the text, max tokens, stats", "[generator]") {
  const std::vector<int32_t> prompt = {300, 301, 302};
  const std::string text = "Hello world, caf\xC3\xA9 \xE2\x9C\x93 how are you?";
  auto m = scripted(prompt, text);
  Generator g(m);
  std::string streamed;
  int pieces = 0;
  GenerateResult r = g.generate(prompt, greedy(static_cast<int32_t>(m->script.size())),
                                [&](std::string_view p) {
                                  streamed += p;
                                  ++pieces;
                                  return true;
                                });
  CHECK(r.text == text);
  CHECK(streamed == text);
  CHECK(pieces >= 5);
  CHECK(r.stop_reason == StopReason::kMaxTokens);
  CHECK(r.tokens == m->script);
  CHECK(r.stats.prompt_tokens == 3);
  CHECK(r.stats.generated_tokens == static_cast<int64_t>(m->script.size()));
  CHECK(r.stats.time_to_first_token_ms > 0);
  CHECK(r.stats.prefill_tokens_per_s > 0);
  CHECK(r.stats.decode_tokens_per_s > 0);
  // One batched prefill, then one token per step; no forward for the last sampled token.
  REQUIRE(m->batches.size() == m->script.size());
  CHECK(m->batches[0] == 3);

  auto m2 = scripted(prompt, text);
  Generator g2(m2);
  GenerateResult r2 = g2.generate(prompt, greedy(2));
  CHECK(r2.tokens.size() == 2);
  CHECK(r2.stop_reason == StopReason::kMaxTokens);
  CHECK(g2.generate(prompt, greedy(0)).tokens.empty());
}

TEST_CASE("generator: stop strings split across tokens are not emitted", "[generator]") {
  const std::vector<int32_t> prompt = {300};
  const std::string text = "The cat sat on the mat. THE END of the story.";
  auto m = scripted(prompt, text);
  // The stop string must span several tokens for the test to mean anything.
  for (int32_t id : m->script) REQUIRE(m->tokenizer().decode(std::vector<int32_t>{id}).find("END of") == std::string::npos);
  Generator g(m);
  GenerateOptions o = greedy();
  o.stop = {"never", "END of"};
  std::string streamed;
  GenerateResult r = g.generate(prompt, o, [&](std::string_view p) {
    streamed += p;
    return true;
  });
  CHECK(r.stop_reason == StopReason::kStopString);
  CHECK(r.text == "The cat sat on the mat. THE ");
  CHECK(streamed == r.text);

  // A held-back partial match that never completes is emitted at the end.
  auto m2 = scripted(prompt, "abc EN");
  Generator g2(m2);
  o.max_tokens = static_cast<int32_t>(m2->script.size());
  CHECK(g2.generate(prompt, o).text == "abc EN");
}

TEST_CASE("generator: EOS stops and is not printed; ignore_eos", "[generator]") {
  const std::vector<int32_t> prompt = {300};
  auto m = scripted(prompt, "one two");
  const std::vector<int32_t> eos = m->eos_ids();
  REQUIRE(!eos.empty());
  const size_t n = m->script.size();
  m->script.push_back(eos[0]);
  for (int32_t t : m->tokenizer().encode(" three")) m->script.push_back(t);
  Generator g(m);
  GenerateResult r = g.generate(prompt, greedy());
  CHECK(r.stop_reason == StopReason::kEos);
  CHECK(r.text == "one two");
  CHECK(r.tokens.size() == n + 1);
  GenerateOptions o = greedy(static_cast<int32_t>(n + 2));
  o.ignore_eos = true;
  g.reset();
  CHECK(g.generate(prompt, o).tokens.size() == n + 2);
}

TEST_CASE("generator: context full, callback stop, bad prompts", "[generator]") {
  auto m = std::make_shared<FakeModel>(austen_tokenizer(), 16);
  Generator g(m, 8);
  CHECK(g.context() == 8);
  GenerateResult r = g.generate(std::vector<int32_t>{100, 101, 102}, greedy(-1));
  CHECK(r.stop_reason == StopReason::kContextFull);
  CHECK(r.tokens == std::vector<int32_t>{103, 104, 105, 106, 107, 108});

  int calls = 0;
  g.reset();
  r = g.generate(std::vector<int32_t>{100}, greedy(-1), [&](std::string_view) { return ++calls < 2; });
  CHECK(r.stop_reason == StopReason::kCallback);
  CHECK(calls == 2);

  CHECK_THROWS_AS(g.generate(std::vector<int32_t>{}, greedy()), Error);
  CHECK_THROWS_WITH(g.generate(std::vector<int32_t>{5, -1}, greedy()), Catch::Contains("token 1"));
  CHECK_THROWS_WITH(g.generate(std::vector<int32_t>(9, 5), greedy()), Catch::Contains("context of 8"));
  GenerateOptions bad = greedy();
  bad.stop = {""};
  CHECK_THROWS_AS(g.generate(std::vector<int32_t>{5}, bad), Error);
}

TEST_CASE("generator: cancellation from another thread", "[generator]") {
  auto m = std::make_shared<FakeModel>(austen_tokenizer(), 1 << 20);
  Generator g(m);
  GenerateOptions o = greedy(-1);
  o.ignore_eos = true;  // the fake model cycles through the whole vocabulary
  std::atomic<int> pieces{0};
  std::thread canceller([&] {
    while (pieces.load() < 10) std::this_thread::sleep_for(std::chrono::microseconds(50));
    g.cancel();
  });
  GenerateResult r = g.generate(std::vector<int32_t>{100}, o, [&](std::string_view) {
    ++pieces;
    return true;
  });
  canceller.join();
  CHECK(r.stop_reason == StopReason::kCancelled);
  CHECK(r.tokens.size() >= 10);
  CHECK(r.tokens.size() < (1u << 20) - 1);
  // The flag is consumed: the next request runs.
  CHECK(g.generate(std::vector<int32_t>{100}, greedy(3)).tokens.size() == 3);
  g.cancel();
  CHECK(g.generate(std::vector<int32_t>{100}, greedy(3)).stop_reason == StopReason::kCancelled);
}

TEST_CASE("generator: a prompt extending the cached tokens runs only the new ones", "[generator]") {
  auto m = std::make_shared<FakeModel>(austen_tokenizer());
  Generator g(m);
  std::vector<int32_t> prompt = {100, 200, 300};
  GenerateResult r = g.generate(prompt, greedy(4));
  CHECK(r.tokens == std::vector<int32_t>{301, 302, 303, 304});
  std::vector<int32_t> next = prompt;
  next.insert(next.end(), {301, 302, 303, 304, 7, 8});
  m->batches.clear();
  r = g.generate(next, greedy(1));
  REQUIRE(!m->batches.empty());
  CHECK(m->batches[0] == 3);  // 304, 7, 8: 301..303 are cached
  CHECK(r.stats.cached_tokens == 6);
  CHECK(r.tokens == std::vector<int32_t>{9});
  // The same prompt again reruns only its last token.
  m->batches.clear();
  CHECK(g.generate(next, greedy(1)).tokens == std::vector<int32_t>{9});
  CHECK(m->batches == std::vector<int64_t>{1});
}

TEST_CASE("generator: chat renders the template and adds no second BOS", "[generator]") {
  auto m = std::make_shared<FakeModel>(austen_chat_tokenizer());
  Generator g(m);
  ChatRequest req = parse_chat_request(R"([{"role": "user", "content": "Hi there"}])", "test");
  const std::string prompt = g.render_chat(req);
  CHECK(prompt == "<|begin_of_text|><user>Hi there\n<assistant>");
  g.chat(req, greedy(1));
  const auto bos = m->tokenizer().bos_id();
  REQUIRE(bos.has_value());
  REQUIRE(m->last_prefill.size() > 2);
  CHECK(m->last_prefill[0] == *bos);
  CHECK(m->last_prefill[1] != *bos);
  // A plain text prompt gets the tokenizer's BOS.
  g.reset();
  g.generate(std::string_view("Hello"), greedy(1));
  CHECK(m->last_prefill[0] == *bos);
}

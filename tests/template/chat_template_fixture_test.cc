// Renders the real chat templates of ../shared/testdata against jinja2 reference renderings
// (tools/make_chat_template_fixtures.py) and prints a pass table.
#include <algorithm>
#include <cstdio>
#include <filesystem>

#include <catch2/catch.hpp>

#include "core/error.h"
#include "runtime/chat_prompt.h"
#include "template/template_test_util.h"

namespace loka::test {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

bool must_pass(const std::string& name) {
  std::string n = lower(name);
  return n.rfind("tokenizer:", 0) == 0 || n.find("deepseek") != std::string::npos ||
         n.find("qwen") != std::string::npos || n.find("llama") != std::string::npos;
}

std::string template_source(const std::string& data, const std::string& name) {
  if (name.rfind("tokenizer:", 0) == 0) {
    auto cfg = nlohmann::json::parse(read_text(data + "/tokenizers/" + name.substr(10) + "/tokenizer_config.json"));
    return cfg.at("chat_template").get<std::string>();
  }
  return read_text(data + "/chat-templates/" + name);
}

std::string first_diff(const std::string& got, const std::string& want) {
  size_t k = 0;
  while (k < got.size() && k < want.size() && got[k] == want[k]) ++k;
  size_t from = k > 40 ? k - 40 : 0;
  return "at byte " + std::to_string(k) + ": got \"" + got.substr(from, 100) + "\" want \"" + want.substr(from, 100) + "\"";
}

}  // namespace

TEST_CASE("chat templates render exactly like transformers' apply_chat_template", "[template]") {
  const std::string data = testdata_dir();
  if (data.empty() || !std::filesystem::is_directory(data + "/chat-templates")) {
    WARN("SKIPPED: ../shared/testdata/chat-templates is absent");
    return;
  }
  const nlohmann::ordered_json expected = load_fixture("expected.json.gz");
  const auto& conversations = expected.at("conversations");
  const RenderOptions options = fixture_options();
  int templates_ok = 0, cases_ok = 0, cases = 0;
  std::vector<std::string> failures, critical;
  for (const auto& t : expected.at("templates")) {
    const std::string name = t.at("name");
    int bad = 0;
    std::string why;
    std::optional<ChatTemplate> tmpl;
    std::string parse_error;
    try {
      tmpl = ChatTemplate::parse(template_source(data, name), name);
    } catch (const Error& e) {
      parse_error = e.what();
    }
    for (const auto& c : t.at("cases")) {
      ++cases;
      // Through the facade the runtime uses, so it is checked against transformers too.
      const auto& conv = conversations.at(c.at("conversation").get<std::string>());
      ChatRequest request;
      request.messages = conv.at("messages");
      if (conv.contains("tools")) request.tools = conv.at("tools");
      request.add_generation_prompt = c.at("add_generation_prompt").get<bool>();
      const ChatTokens tokens{t.at("variables").value("bos_token", ""), t.at("variables").value("eos_token", "")};
      const auto& want = c.at("result");
      std::string label = c.at("conversation").get<std::string>() + (c.at("add_generation_prompt").get<bool>() ? "+gen" : "");
      std::string got, error = parse_error;
      if (tmpl) {
        try {
          got = render_chat_prompt(*tmpl, request, tokens, options);
        } catch (const Error& e) {
          error = e.what();
        }
      }
      bool ok;
      if (want.contains("text")) {
        ok = error.empty() && got == want.at("text").get<std::string>();
        if (!ok && why.empty())
          why = label + ": " + (error.empty() ? first_diff(got, want.at("text").get<std::string>()) : "raised " + error);
      } else {
        ok = !error.empty();
        if (ok && want.value("raised", false)) ok = error == name + ": " + want.at("error").get<std::string>();
        if (!ok && why.empty())
          why = label + ": expected error \"" + want.at("error").get<std::string>() + "\", got " +
                (error.empty() ? "text" : "\"" + error + "\"");
      }
      cases_ok += ok;
      bad += !ok;
    }
    if (bad == 0) {
      ++templates_ok;
    } else {
      std::string line = name + " (" + std::to_string(bad) + " failing) " + why;
      failures.push_back(line);
      if (must_pass(name)) critical.push_back(line);
    }
  }
  std::printf("[template] chat templates fully passing: %d / %zu; renderings passing: %d / %d\n", templates_ok,
              expected.at("templates").size(), cases_ok, cases);
  for (const auto& f : failures) std::printf("[template]   FAIL %s\n", f.c_str());
  INFO("critical failures: " << critical.size());
  for (const auto& f : critical) UNSCOPED_INFO(f);
  CHECK(critical.empty());
}

}  // namespace loka::test

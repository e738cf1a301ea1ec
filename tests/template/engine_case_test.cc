// Engine unit cases (expressions, filters, whitespace control, loops, macros, errors) whose
// expected results were produced by Python jinja2 (tools/make_chat_template_fixtures.py).
#include <catch2/catch.hpp>

#include "core/error.h"
#include "template/template_test_util.h"

namespace loka::test {

TEST_CASE("template engine matches jinja2 on unit cases", "[template]") {
  const nlohmann::ordered_json cases = load_fixture("engine_cases.json");
  const RenderOptions options = fixture_options();
  REQUIRE(cases.size() > 50);
  for (const auto& c : cases) {
    const std::string name = c.at("name");
    const auto& want = c.at("result");
    std::string got, error;
    try {
      got = ChatTemplate::parse(c.at("template").get<std::string>(), name).render(c.at("variables"), options);
    } catch (const Error& e) {
      error = e.what();
    }
    INFO(name << ": template " << c.at("template").dump());
    if (want.contains("text")) {
      INFO("error: " << error);
      CHECK(error.empty());
      CHECK(got == want.at("text").get<std::string>());
    } else {
      INFO("expected error: " << want.at("error").get<std::string>() << " got text: " << got);
      CHECK(!error.empty());
      if (want.value("raised", false)) CHECK(error == name + ": " + want.at("error").get<std::string>());
    }
  }
}

}  // namespace loka::test

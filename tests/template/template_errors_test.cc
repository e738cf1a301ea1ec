// Template errors name the template, line and column; hostile templates fail cleanly
// (recursion, nesting, output size). Messages below were checked against jinja2 by hand
// only where jinja2 has the same notion (line numbers); the limits are ours.
#include <string>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "core/error.h"
#include "template/chat_template.h"

namespace loka {
namespace {

std::string parse_error(const std::string& src, ErrorCode want = ErrorCode::kFormat) {
  try {
    ChatTemplate::parse(src, "t.jinja");
  } catch (const Error& e) {
    CHECK(e.code() == want);
    return e.what();
  }
  FAIL("no parse error for: " << src);
  return "";
}

std::string render_error(const std::string& src, const nlohmann::json& vars = nlohmann::json::object(),
                         const RenderOptions& o = {}) {
  ChatTemplate t = ChatTemplate::parse(src, "t.jinja");
  try {
    t.render(vars, o);
  } catch (const Error& e) {
    CHECK(e.code() == ErrorCode::kInvalidArgument);
    return e.what();
  }
  FAIL("no render error for: " << src);
  return "";
}

bool has(const std::string& s, const std::string& part) { return s.find(part) != std::string::npos; }

}  // namespace

TEST_CASE("template syntax errors name template, line and column", "[template]") {
  // jinja2 reports these on lines 3, 2, 2, 1 and 2 too.
  CHECK(has(parse_error("a\nb\n{% if x %}"), "t.jinja:3:"));
  CHECK(has(parse_error("a\nb {{ x "), "t.jinja:2:"));
  std::string e = parse_error("x\n  {{ y | nosuchfilter }}");
  CHECK(has(e, "t.jinja:2:10: No filter named 'nosuchfilter'."));
  CHECK(has(parse_error("{{ 1 + }}"), "t.jinja:1:"));
  CHECK(has(parse_error("{% for x in y %}\n{% endif %}"), "t.jinja:2:"));
  CHECK(has(parse_error("{% frobnicate %}"), "unknown tag 'frobnicate'"));
  CHECK(has(parse_error("{{ x is nosuchtest }}"), "No test named 'nosuchtest'."));
  CHECK(has(parse_error("{{ 'abc }}"), "t.jinja:1:4:"));
  CHECK(has(parse_error("{# never closed"), "t.jinja:1:1:"));
  CHECK(has(parse_error("{{ (1 ] }}"), "unexpected ']'"));
  CHECK(has(parse_error("{% for x in y recursive %}{% endfor %}"), "recursive"));
}

TEST_CASE("template runtime errors carry a position; raise_exception carries its message", "[template]") {
  CHECK(has(render_error("ok\n{{ missing.attr }}"), "t.jinja:2:"));
  CHECK(has(render_error("{{ 1 + 'a' }}"), "unsupported operand type(s) for +: 'int' and 'str'"));
  CHECK(render_error("{{ raise_exception('roles must alternate') }}") == "t.jinja: roles must alternate");
  CHECK(has(render_error("{% set l = [] %}{{ l.append(1) }}"), "unsafe"));
  CHECK(has(render_error("{{ 1 // 0 }}"), "division by zero"));
  CHECK_THROWS_AS(ChatTemplate::parse("{{ x }}", "t").render(nlohmann::json::array()), Error);
}

TEST_CASE("hostile templates fail cleanly instead of crashing or hanging", "[template]") {
  // Unbounded macro recursion.
  CHECK(has(render_error("{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}"), "recursion"));
  // Deep nesting in the parser.
  CHECK(has(parse_error("{{ " + std::string(5000, '(') + "1" + std::string(5000, ')') + " }}"), "too deep"));
  CHECK(has(parse_error("{{ " + std::string(3000, '-') + "1 }}", ErrorCode::kFormat), "too deep"));
  std::string ifs;
  for (int k = 0; k < 1000; ++k) ifs += "{% if true %}";
  CHECK(has(parse_error(ifs), "too deep"));
  // Output size.
  RenderOptions small;
  small.max_output_bytes = 1000;
  CHECK(has(render_error("{% for i in range(100) %}{{ 'x' * 20 }}{% endfor %}", nlohmann::json::object(), small), "size limit"));
  CHECK(has(render_error("{{ 'x' * 1000000000000 }}"), "size limit"));
  CHECK(has(render_error("{{ range(1000000000000) | length }}"), "range too large"));
  CHECK(has(render_error("{{ 2 ** 200 }}"), "overflow"));
  // A namespace that contains itself: printing it fails, and nothing leaks.
  CHECK(has(render_error("{% set ns = namespace(a=1) %}{% set ns.me = ns %}{{ ns }}"), "recursion"));
  // Malformed UTF-8 and NUL bytes in the template or data do not crash.
  std::string bad = "\xff\xfe{{ x }}\x80";
  bad += '\0';
  CHECK_NOTHROW(ChatTemplate::parse(bad, "t").render(nlohmann::json{{"x", "a"}}));
}

TEST_CASE("rendered templates are copyable and render the same from copies", "[template]") {
  ChatTemplate a = ChatTemplate::parse("{% for m in messages %}[{{ m.role }}]{% endfor %}", "copy");
  ChatTemplate b = a;
  nlohmann::json vars = {{"messages", {{{"role", "user"}}, {{"role", "assistant"}}}}};
  CHECK(a.render(vars) == "[user][assistant]");
  CHECK(b.render(vars) == a.render(vars));
}

}  // namespace loka

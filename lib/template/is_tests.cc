// Builtin is-tests (defined, none, string, mapping, iterable, sequence, number, ..., eq/lt/in).
#include "template/builtins.h"
#include "template/text_util.h"

namespace loka::tmpl {
namespace {

const Value& arg0(Args& a) {
  if (a.pos.empty()) fail("TypeError: test needs an argument");
  return a.pos[0];
}

bool t_defined(Interp&, const Value& v, Args&) { return !v.is_undefined(); }
bool t_undefined(Interp&, const Value& v, Args&) { return v.is_undefined(); }
bool t_none(Interp&, const Value& v, Args&) { return v.is_none(); }
bool t_string(Interp&, const Value& v, Args&) { return v.is_string(); }
bool t_mapping(Interp&, const Value& v, Args&) { return v.is_dict() && !v.is_namespace(); }
bool t_iterable(Interp&, const Value& v, Args&) {
  return v.is_undefined() || v.is_string() || v.is_list() || (v.is_dict() && !v.is_namespace());
}
bool t_sequence(Interp&, const Value& v, Args&) {
  return v.is_undefined() || v.is_string() || (v.is_list() && v.list_kind() != ListKind::kGenerator) ||
         (v.is_dict() && !v.is_namespace());
}
bool t_number(Interp&, const Value& v, Args&) { return v.is_number(); }
bool t_integer(Interp&, const Value& v, Args&) { return v.is_int(); }
bool t_float(Interp&, const Value& v, Args&) { return v.is_float(); }
bool t_boolean(Interp&, const Value& v, Args&) { return v.is_bool(); }
bool t_true(Interp&, const Value& v, Args&) { return v.is_bool() && v.as_bool(); }
bool t_false(Interp&, const Value& v, Args&) { return v.is_bool() && !v.as_bool(); }
bool t_callable(Interp&, const Value& v, Args&) { return v.is_func(); }
int64_t int_of(const Value& v) {
  require_defined(v);
  if (!v.is_int() && !v.is_bool()) fail("TypeError: expected an integer, got " + v.type_name());
  return v.as_int();
}
bool t_odd(Interp&, const Value& v, Args&) { return int_of(v) % 2 != 0; }
bool t_even(Interp&, const Value& v, Args&) { return int_of(v) % 2 == 0; }
bool t_divisibleby(Interp&, const Value& v, Args& a) {
  int64_t d = int_of(arg0(a));
  if (d == 0) fail("ZeroDivisionError: integer modulo by zero");
  return int_of(v) % d == 0;
}
bool t_eq(Interp&, const Value& v, Args& a) { return v.equals(arg0(a)); }
bool t_ne(Interp&, const Value& v, Args& a) { return !v.equals(arg0(a)); }
bool t_lt(Interp&, const Value& v, Args& a) { require_defined(v); return v.less(arg0(a)); }
bool t_le(Interp&, const Value& v, Args& a) { require_defined(v); return !arg0(a).less(v); }
bool t_gt(Interp&, const Value& v, Args& a) { require_defined(v); return arg0(a).less(v); }
bool t_ge(Interp&, const Value& v, Args& a) { require_defined(v); return !v.less(arg0(a)); }
bool t_in(Interp&, const Value& v, Args& a) {
  const Value& c = arg0(a);
  if (c.is_string()) return v.is_string() && c.str().find(v.str()) != std::string::npos;
  if (c.is_dict()) return c.dict_data().find(v) != nullptr;
  for (const auto& x : c.iterate())
    if (x.equals(v)) return true;
  return false;
}
bool t_lower(Interp&, const Value& v, Args&) {
  std::string s = v.to_str();
  return py_lower(s) == s && py_upper(s) != s;
}
bool t_upper(Interp&, const Value& v, Args&) {
  std::string s = v.to_str();
  return py_upper(s) == s && py_lower(s) != s;
}
bool t_sameas(Interp&, const Value& v, Args& a) {
  const Value& o = arg0(a);
  if (v.kind() != o.kind()) return false;
  if (v.is_none() || v.is_bool() || v.is_undefined()) return v.equals(o);
  return false;
}
bool t_escaped(Interp&, const Value&, Args&) { return false; }
bool t_filter(Interp&, const Value& v, Args&) { return has_filter(v.to_str()); }
bool t_test(Interp&, const Value& v, Args&) { return has_test(v.to_str()); }

}  // namespace

const std::unordered_map<std::string, TestFn>& test_table() {
  static const std::unordered_map<std::string, TestFn> table = {
      {"defined", t_defined}, {"undefined", t_undefined}, {"none", t_none},         {"string", t_string},
      {"mapping", t_mapping}, {"iterable", t_iterable},   {"sequence", t_sequence}, {"number", t_number},
      {"integer", t_integer}, {"float", t_float},         {"boolean", t_boolean},   {"true", t_true},
      {"false", t_false},     {"callable", t_callable},   {"odd", t_odd},           {"even", t_even},
      {"divisibleby", t_divisibleby}, {"equalto", t_eq},  {"eq", t_eq},             {"==", t_eq},
      {"ne", t_ne},           {"!=", t_ne},               {"lt", t_lt},             {"lessthan", t_lt},
      {"<", t_lt},            {"le", t_le},               {"<=", t_le},             {"gt", t_gt},
      {"greaterthan", t_gt},  {">", t_gt},                {"ge", t_ge},             {">=", t_ge},
      {"in", t_in},           {"lower", t_lower},         {"upper", t_upper},       {"sameas", t_sameas},
      {"escaped", t_escaped}, {"filter", t_filter},       {"test", t_test},
  };
  return table;
}

bool has_test(const std::string& name) { return test_table().count(name) != 0; }

bool Interp::apply_test(const std::string& name, const Value& input, Args& args) {
  auto it = test_table().find(name);
  if (it == test_table().end()) fail("No test named '" + name + "' found.");
  tick();
  return it->second(*this, input, args);
}

}  // namespace loka::tmpl

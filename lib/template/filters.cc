// Builtin filters on scalars and strings: tojson (transformers' version), trim, default, join, indent, ...
#include <cmath>
#include <cstdlib>

#include "template/builtins.h"
#include "template/text_util.h"

namespace loka::tmpl {

const Value* find_arg(Args& args, size_t index, const char* name) {
  for (auto& kv : args.kw)
    if (kv.first == name) return &kv.second;
  return index < args.pos.size() ? &args.pos[index] : nullptr;
}

std::vector<Value> seq_items(const Value& v) { return v.iterate(); }

namespace {

bool arg_bool(Args& a, size_t i, const char* name, bool dflt) {
  const Value* v = find_arg(a, i, name);
  return v ? v->truthy() : dflt;
}

Value f_tojson(Interp&, Value& v, Args& a) {
  bool ascii = arg_bool(a, 0, "ensure_ascii", false);
  const Value* indent = find_arg(a, 1, "indent");
  const Value* seps = find_arg(a, 2, "separators");
  bool sort_keys = arg_bool(a, 3, "sort_keys", false);
  std::string indent_str;
  const std::string* ind = nullptr;
  if (indent && !indent->is_none()) {
    if (indent->is_string()) indent_str = indent->str();
    else if (indent->is_int()) indent_str = std::string(static_cast<size_t>(std::max<int64_t>(0, std::min<int64_t>(indent->as_int(), 1000))), ' ');
    else fail("TypeError: indent must be int or str");
    ind = &indent_str;
  }
  std::string item_sep = ind ? "," : ", ", key_sep = ": ";
  if (seps && !seps->is_none()) {
    if (!seps->is_list() || seps->items().size() != 2 || !seps->items()[0].is_string() || !seps->items()[1].is_string())
      fail("ValueError: separators must be a (item_separator, key_separator) pair of strings");
    item_sep = seps->items()[0].str();
    key_sep = seps->items()[1].str();
  }
  return Value(json_dumps(v, ind, item_sep, key_sep, sort_keys, ascii));
}

Value f_length(Interp&, Value& v, Args&) {
  switch (v.kind()) {
    case Value::Kind::kUndefined: return Value(0);
    case Value::Kind::kString: return Value(static_cast<int64_t>(utf8_decode(v.str()).size()));
    case Value::Kind::kList:
      if (v.list_kind() == ListKind::kGenerator) break;
      return Value(static_cast<int64_t>(v.items().size()));
    case Value::Kind::kDict:
      if (v.is_namespace()) break;
      return Value(static_cast<int64_t>(v.dict_data().items.size()));
    default: break;
  }
  fail("TypeError: object of type '" + v.type_name() + "' has no len()");
}

Value f_trim(Interp&, Value& v, Args& a) {
  const Value* chars = find_arg(a, 0, "chars");
  std::string set = chars && !chars->is_none() ? chars->to_str() : std::string();
  return Value(py_strip(v.to_str(), chars && !chars->is_none() ? &set : nullptr, true, true));
}

Value f_string(Interp&, Value& v, Args&) { return Value(v.to_str()); }
Value f_safe(Interp&, Value& v, Args&) { return v.is_markup() ? v : Value::markup(v.to_str()); }
Value f_upper(Interp&, Value& v, Args&) { return Value(py_upper(v.to_str())); }
Value f_lower(Interp&, Value& v, Args&) { return Value(py_lower(v.to_str())); }
Value f_title(Interp&, Value& v, Args&) { return Value(py_title(v.to_str())); }
Value f_capitalize(Interp&, Value& v, Args&) { return Value(py_capitalize(v.to_str())); }

Value f_default(Interp&, Value& v, Args& a) {
  const Value* d = find_arg(a, 0, "default_value");
  bool boolean = arg_bool(a, 1, "boolean", false);
  if (v.is_undefined() || (boolean && !v.truthy())) return d ? *d : Value(std::string());
  return v;
}

Value f_join(Interp& in, Value& v, Args& a) {
  const Value* sep = find_arg(a, 0, "d");
  const Value* attr = find_arg(a, 1, "attribute");
  std::string s = sep ? sep->to_str() : std::string();
  std::string out;
  bool first = true;
  for (const auto& item : seq_items(v)) {
    if (!first) out += s;
    out += (attr && !attr->is_none() ? get_path(in, item, attr->to_str()) : item).to_str();
    in.check_size(out.size());
    first = false;
  }
  return Value(std::move(out));
}

Value f_replace(Interp&, Value& v, Args& a) {
  const Value* from = find_arg(a, 0, "old");
  const Value* to = find_arg(a, 1, "new");
  const Value* count = find_arg(a, 2, "count");
  if (!from || !to) fail("TypeError: replace() missing required arguments");
  long n = count && !count->is_none() ? static_cast<long>(count->as_int()) : -1;
  return Value(py_replace(v.to_str(), from->to_str(), to->to_str(), n));
}

Value f_indent(Interp&, Value& v, Args& a) {
  const Value* width = find_arg(a, 0, "width");
  bool first = arg_bool(a, 1, "first", false);
  bool blank = arg_bool(a, 2, "blank", false);
  std::string ind = !width ? "    " : width->is_string() ? width->str() : std::string(static_cast<size_t>(std::max<int64_t>(0, std::min<int64_t>(width->as_int(), 1000))), ' ');
  const std::vector<std::string> lines = py_splitlines(v.to_str() + "\n");
  std::string rv;
  for (size_t k = 0; k < lines.size(); ++k) {
    if (k) rv += "\n" + ((blank || !lines[k].empty()) ? ind : std::string());
    rv += lines[k];
  }
  return Value(first ? ind + rv : rv);
}

Value f_int(Interp&, Value& v, Args& a) {
  const Value* dflt = find_arg(a, 0, "default");
  int64_t base = find_arg(a, 1, "base") ? find_arg(a, 1, "base")->as_int() : 10;
  Value fallback = dflt ? *dflt : Value(0);
  if (v.is_int() || v.is_bool()) return Value(v.as_int());
  if (v.is_float()) {
    double f = v.as_double();
    if (!std::isfinite(f) || std::fabs(f) > 9.2e18) return fallback;
    return Value(static_cast<int64_t>(f));
  }
  if (!v.is_string()) return fallback;
  std::string s = py_strip(v.str(), nullptr, true, true);
  s.erase(std::remove(s.begin(), s.end(), '_'), s.end());
  if (s.empty()) return fallback;
  errno = 0;
  char* end = nullptr;
  long long r = std::strtoll(s.c_str(), &end, static_cast<int>(base));
  if (*end == 0 && errno == 0) return Value(static_cast<int64_t>(r));
  double f = std::strtod(s.c_str(), &end);
  if (*end == 0 && std::isfinite(f) && std::fabs(f) < 9.2e18) return Value(static_cast<int64_t>(f));
  return fallback;
}

Value f_float(Interp&, Value& v, Args& a) {
  const Value* dflt = find_arg(a, 0, "default");
  Value fallback = dflt ? *dflt : Value(0.0);
  if (v.is_number()) return Value(v.as_double());
  if (!v.is_string()) return fallback;
  std::string s = py_strip(v.str(), nullptr, true, true);
  if (s.empty()) return fallback;
  char* end = nullptr;
  double f = std::strtod(s.c_str(), &end);
  return *end == 0 ? Value(f) : fallback;
}

Value f_abs(Interp&, Value& v, Args&) {
  if (v.is_float()) return Value(std::fabs(v.as_double()));
  if (!v.is_number()) fail("TypeError: bad operand type for abs(): '" + v.type_name() + "'");
  return Value(v.as_int() < 0 ? -v.as_int() : v.as_int());
}

Value f_round(Interp&, Value& v, Args& a) {
  const Value* prec = find_arg(a, 0, "precision");
  const Value* method = find_arg(a, 1, "method");
  int64_t p = prec ? prec->as_int() : 0;
  std::string m = method ? method->to_str() : "common";
  if (!v.is_number()) fail("TypeError: round() needs a number");
  double scale = std::pow(10.0, static_cast<double>(p));
  double x = v.as_double() * scale;
  double r = m == "ceil" ? std::ceil(x) : m == "floor" ? std::floor(x) : std::nearbyint(x);
  if (m == "common" && v.is_int()) return v;
  return Value(r / scale);
}

Value f_wordcount(Interp&, Value& v, Args&) {
  int64_t n = 0;
  bool in_word = false;
  for (char32_t c : utf8_decode(v.to_str())) {
    bool w = is_alpha_cp(c) || (c >= '0' && c <= '9') || c == '_';
    if (w && !in_word) ++n;
    in_word = w;
  }
  return Value(n);
}

Value f_escape(Interp&, Value& v, Args&) { return v.is_markup() ? v : Value::markup(html_escape(v.to_str())); }

Value f_format(Interp&, Value& v, Args& a) {
  if (!a.kw.empty()) fail("format filter with keyword arguments is not supported");
  return Value(percent_format(v.to_str(), Value::list(a.pos, ListKind::kTuple)));
}

Value f_attr(Interp& in, Value& v, Args& a) {
  const Value* name = find_arg(a, 0, "name");
  if (!name) fail("attr filter needs a name");
  return in.get_attr(v, name->to_str());
}

}  // namespace

const FilterTable& filter_table() {
  static const FilterTable table = [] {
    FilterTable t = {
        {"tojson", f_tojson},   {"length", f_length},   {"count", f_length},       {"trim", f_trim},
        {"string", f_string},   {"safe", f_safe},       {"upper", f_upper},        {"lower", f_lower},
        {"title", f_title},     {"capitalize", f_capitalize}, {"default", f_default}, {"d", f_default},
        {"join", f_join},       {"replace", f_replace}, {"indent", f_indent},      {"int", f_int},
        {"float", f_float},     {"abs", f_abs},         {"round", f_round},        {"wordcount", f_wordcount},
        {"escape", f_escape},   {"e", f_escape},        {"format", f_format},      {"attr", f_attr},
    };
    add_sequence_filters(t);
    return t;
  }();
  return table;
}

bool has_filter(const std::string& name) { return filter_table().count(name) != 0; }

Value Interp::apply_filter(const std::string& name, Value input, Args& args) {
  auto it = filter_table().find(name);
  if (it == filter_table().end()) fail("No filter named '" + name + "' found.");
  tick();
  return it->second(*this, input, args);
}

}  // namespace loka::tmpl

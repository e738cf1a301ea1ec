// Methods callable on values (str.strip, str.split, dict.items, dict.get, ...); mutating list/dict
// methods fail like transformers' ImmutableSandboxedEnvironment does.
#include "template/interp.h"
#include "template/text_util.h"

namespace loka::tmpl {
namespace {

const std::string* opt_str(Args& a, size_t i, const char* name) {
  const Value* v = find_arg(a, i, name);
  if (!v || v->is_none()) return nullptr;
  if (!v->is_string()) fail("TypeError: " + std::string(name) + " must be str or None, not " + v->type_name());
  return &v->str();
}

int64_t opt_int(Args& a, size_t i, const char* name, int64_t dflt) {
  const Value* v = find_arg(a, i, name);
  if (!v || v->is_none()) return dflt;
  if (!v->is_int() && !v->is_bool()) fail("TypeError: '" + v->type_name() + "' object cannot be interpreted as an integer");
  return v->as_int();
}

const Value& need(Args& a, size_t i, const char* name) {
  const Value* v = find_arg(a, i, name);
  if (!v) fail(std::string("TypeError: missing required argument '") + name + "'");
  return *v;
}

bool affix(const std::string& s, const Value& arg, bool prefix) {
  auto one = [&](const Value& v) {
    if (!v.is_string()) fail("TypeError: startswith/endswith arg must be str or a tuple of str, not " + v.type_name());
    const std::string& p = v.str();
    if (p.size() > s.size()) return false;
    return prefix ? s.compare(0, p.size(), p) == 0 : s.compare(s.size() - p.size(), p.size(), p) == 0;
  };
  if (arg.is_list() && arg.list_kind() == ListKind::kTuple) {
    for (const auto& v : arg.items())
      if (one(v)) return true;
    return false;
  }
  return one(arg);
}

Value str_list(std::vector<std::string> parts) {
  std::vector<Value> items;
  for (auto& p : parts) items.emplace_back(std::move(p));
  return Value::list(std::move(items));
}

std::string str_format(const std::string& fmt, Args& args) {
  std::string out;
  size_t auto_index = 0;
  for (size_t k = 0; k < fmt.size(); ++k) {
    char c = fmt[k];
    if (c == '}') {
      if (k + 1 < fmt.size() && fmt[k + 1] == '}') { out += '}'; ++k; continue; }
      fail("ValueError: Single '}' encountered in format string");
    }
    if (c != '{') { out += c; continue; }
    if (k + 1 < fmt.size() && fmt[k + 1] == '{') { out += '{'; ++k; continue; }
    size_t close = fmt.find('}', k);
    if (close == std::string::npos) fail("ValueError: Single '{' encountered in format string");
    std::string field = fmt.substr(k + 1, close - k - 1);
    k = close;
    if (field.find_first_of(":![.") != std::string::npos) fail("unsupported str.format field '{" + field + "}'");
    const Value* v = nullptr;
    if (field.empty()) {
      if (auto_index >= args.pos.size()) fail("IndexError: Replacement index " + std::to_string(auto_index) + " out of range for positional args tuple");
      v = &args.pos[auto_index++];
    } else if (field.find_first_not_of("0123456789") == std::string::npos) {
      size_t i = std::stoul(field);
      if (i >= args.pos.size()) fail("IndexError: Replacement index " + field + " out of range for positional args tuple");
      v = &args.pos[i];
    } else {
      for (auto& kv : args.kw)
        if (kv.first == field) v = &kv.second;
      if (!v) fail("KeyError: '" + field + "'");
    }
    out += v->to_str();
  }
  return out;
}

bool all_chars(const std::string& s, bool (*pred)(char32_t)) {
  std::u32string u = utf8_decode(s);
  if (u.empty()) return false;
  for (char32_t c : u)
    if (!pred(c)) return false;
  return true;
}

Value str_method(const std::string& s, const std::string& name, Args& a) {
  if (name == "strip" || name == "lstrip" || name == "rstrip")
    return Value(py_strip(s, opt_str(a, 0, "chars"), name != "rstrip", name != "lstrip"));
  if (name == "split" || name == "rsplit")
    return str_list(py_split(s, opt_str(a, 0, "sep"), static_cast<long>(opt_int(a, 1, "maxsplit", -1)), name == "rsplit"));
  if (name == "splitlines") return str_list(py_splitlines(s));
  if (name == "startswith" || name == "endswith") return Value(affix(s, need(a, 0, "prefix"), name == "startswith"));
  if (name == "upper") return Value(py_upper(s));
  if (name == "lower") return Value(py_lower(s));
  if (name == "title") return Value(py_title(s));
  if (name == "capitalize") return Value(py_capitalize(s));
  if (name == "replace") {
    const Value& from = need(a, 0, "old");
    const Value& to = need(a, 1, "new");
    if (!from.is_string() || !to.is_string()) fail("TypeError: replace() arguments must be str");
    return Value(py_replace(s, from.str(), to.str(), static_cast<long>(opt_int(a, 2, "count", -1))));
  }
  if (name == "find" || name == "rfind" || name == "index" || name == "rindex" || name == "count") {
    const Value& sub = need(a, 0, "sub");
    if (!sub.is_string()) fail("TypeError: must be str, not " + sub.type_name());
    if (name == "count") {
      if (sub.str().empty()) return Value(static_cast<int64_t>(utf8_decode(s).size() + 1));
      int64_t n = 0;
      for (size_t p = s.find(sub.str()); p != std::string::npos; p = s.find(sub.str(), p + sub.str().size())) ++n;
      return Value(n);
    }
    size_t p = (name == "find" || name == "index") ? s.find(sub.str()) : s.rfind(sub.str());
    if (p == std::string::npos) {
      if (name == "index" || name == "rindex") fail("ValueError: substring not found");
      return Value(int64_t{-1});
    }
    return Value(static_cast<int64_t>(utf8_decode(s.substr(0, p)).size()));
  }
  if (name == "join") {
    std::string out;
    bool first = true;
    for (const auto& v : need(a, 0, "iterable").iterate()) {
      if (!v.is_string()) fail("TypeError: sequence item: expected str instance, " + v.type_name() + " found");
      if (!first) out += s;
      out += v.str();
      first = false;
    }
    return Value(std::move(out));
  }
  if (name == "format") return Value(str_format(s, a));
  if (name == "isdigit") return Value(all_chars(s, [](char32_t c) { return c >= '0' && c <= '9'; }));
  if (name == "isspace") return Value(all_chars(s, is_py_space));
  if (name == "isalpha") return Value(all_chars(s, is_alpha_cp));
  if (name == "isalnum") return Value(all_chars(s, [](char32_t c) { return is_alpha_cp(c) || (c >= '0' && c <= '9'); }));
  if (name == "islower") return Value(py_lower(s) == s && py_upper(s) != s);
  if (name == "isupper") return Value(py_upper(s) == s && py_lower(s) != s);
  fail("'str' object has no attribute '" + name + "'");
}

const char* const kStrMethods[] = {"strip", "lstrip", "rstrip", "split", "rsplit", "splitlines", "startswith",
                                   "endswith", "upper", "lower", "title", "capitalize", "replace", "find", "rfind",
                                   "index", "rindex", "count", "join", "format", "isdigit", "isspace", "isalpha",
                                   "isalnum", "islower", "isupper"};
const char* const kListSafe[] = {"index", "count"};
const char* const kListUnsafe[] = {"append", "pop", "extend", "insert", "remove", "clear", "sort", "reverse"};
const char* const kDictSafe[] = {"items", "keys", "values", "get", "copy"};
const char* const kDictUnsafe[] = {"pop", "popitem", "update", "setdefault", "clear"};

template <size_t N>
bool listed(const char* const (&names)[N], const std::string& name) {
  for (const char* n : names)
    if (name == n) return true;
  return false;
}

Value unsafe(const Value& obj, const std::string& name) {
  std::string msg = "SecurityError: access to attribute '" + name + "' of '" + obj.type_name() + "' object is unsafe.";
  return Value::func([msg](Interp&, Args&) -> Value { fail(msg); }, name);
}

}  // namespace

Value bound_method(const Value& obj, const std::string& name) {
  if (obj.is_string()) {
    if (!listed(kStrMethods, name)) return Value();
    return Value::func([obj, name](Interp&, Args& a) { return str_method(obj.str(), name, a); }, name);
  }
  if (obj.is_list() && obj.list_kind() != ListKind::kGenerator) {
    if (listed(kListUnsafe, name)) return unsafe(obj, name);
    if (!listed(kListSafe, name)) return Value();
    return Value::func(
        [obj, name](Interp&, Args& a) {
          const Value& x = need(a, 0, "value");
          int64_t n = 0;
          for (size_t k = 0; k < obj.items().size(); ++k) {
            if (!obj.items()[k].equals(x)) continue;
            if (name == "index") return Value(static_cast<int64_t>(k));
            ++n;
          }
          if (name == "index") fail("ValueError: " + x.repr() + " is not in list");
          return Value(n);
        },
        name);
  }
  if (obj.is_dict() && !obj.is_namespace()) {
    if (listed(kDictUnsafe, name)) return unsafe(obj, name);
    if (!listed(kDictSafe, name)) return Value();
    return Value::func(
        [obj, name](Interp&, Args& a) {
          const auto& d = obj.dict_data();
          if (name == "get") {
            const Value* v = d.find(need(a, 0, "key"));
            if (v) return *v;
            const Value* dflt = find_arg(a, 1, "default");
            return dflt ? *dflt : Value::none();
          }
          if (name == "copy") {
            auto c = std::make_shared<Value::DictData>();
            c->items = d.items;
            return Value::dict(c);
          }
          std::vector<Value> out;
          for (const auto& kv : d.items) {
            if (name == "keys") out.push_back(kv.first);
            else if (name == "values") out.push_back(kv.second);
            else out.push_back(Value::list({kv.first, kv.second}, ListKind::kTuple));
          }
          return Value::list(std::move(out));
        },
        name);
  }
  return Value();
}

}  // namespace loka::tmpl

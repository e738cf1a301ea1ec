// Builtin global functions: range, namespace, dict, raise_exception, strftime_now.
#include <ctime>

#include "template/interp.h"

namespace loka::tmpl {
namespace {

Value g_range(Interp& in, Args& a) {
  if (!a.kw.empty() || a.pos.empty() || a.pos.size() > 3) fail("TypeError: range expected 1 to 3 arguments");
  for (const auto& v : a.pos)
    if (!v.is_int() && !v.is_bool()) fail("TypeError: '" + v.type_name() + "' object cannot be interpreted as an integer");
  int64_t start = 0, stop, step = 1;
  if (a.pos.size() == 1) {
    stop = a.pos[0].as_int();
  } else {
    start = a.pos[0].as_int();
    stop = a.pos[1].as_int();
    if (a.pos.size() == 3) step = a.pos[2].as_int();
  }
  if (step == 0) fail("ValueError: range() arg 3 must not be zero");
  std::vector<Value> out;
  for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) {
    if (out.size() >= in.limits().max_range) fail("range too large (more than " + std::to_string(in.limits().max_range) + " items)");
    out.emplace_back(i);
    if ((step > 0 && i > INT64_MAX - step) || (step < 0 && i < INT64_MIN - step)) break;
  }
  return Value::list(std::move(out));
}

Value g_dict(Interp&, Args& a) {
  auto d = std::make_shared<Value::DictData>();
  if (a.pos.size() > 1) fail("TypeError: dict expected at most 1 argument");
  if (!a.pos.empty()) {
    const Value& src = a.pos[0];
    if (src.is_dict()) {
      d->items = src.dict_data().items;
    } else {
      for (const auto& pair : src.iterate()) {
        std::vector<Value> kv = pair.iterate();
        if (kv.size() != 2) fail("ValueError: dictionary update sequence element has wrong length");
        d->set(kv[0], kv[1]);
      }
    }
  }
  for (auto& kv : a.kw) d->set(Value(kv.first), kv.second);
  return Value::dict(d);
}

Value g_namespace(Interp& in, Args& a) {
  Value d = g_dict(in, a);
  d.dict_data().is_namespace = true;
  in.track(d.shared_dict());
  return d;
}

Value g_raise(Interp&, Args& a) {
  throw RaisedByTemplate{a.pos.empty() ? std::string() : a.pos[0].to_str()};
}

Value g_strftime_now(Interp& in, Args& a) {
  if (a.pos.empty() || !a.pos[0].is_string()) fail("TypeError: strftime_now() needs a format string");
  std::tm tm{};
  if (in.now()) {
    tm = *in.now();
  } else {
    std::time_t t = std::time(nullptr);
    localtime_r(&t, &tm);
  }
  const std::string& fmt = a.pos[0].str();
  if (fmt.empty()) return Value(std::string());
  std::string buf(256 + fmt.size() * 16, '\0');
  size_t n = std::strftime(buf.data(), buf.size(), fmt.c_str(), &tm);
  buf.resize(n);
  return Value(std::move(buf));
}

}  // namespace

void add_globals(Scope& scope) {
  scope.vars["range"] = Value::func(g_range, "range");
  scope.vars["dict"] = Value::func(g_dict, "dict");
  scope.vars["namespace"] = Value::func(g_namespace, "namespace");
  scope.vars["raise_exception"] = Value::func(g_raise, "raise_exception");
  scope.vars["strftime_now"] = Value::func(g_strftime_now, "strftime_now");
}

}  // namespace loka::tmpl

// Builtin filters on sequences and mappings: items, dictsort, list, select/reject(attr), map, sort, unique, ...
#include <algorithm>

#include "template/builtins.h"
#include "template/text_util.h"

namespace loka::tmpl {

Value get_path(Interp& in, const Value& obj, const std::string& path) {
  Value cur = obj;
  size_t start = 0;
  while (true) {
    size_t dot = path.find('.', start);
    std::string part = path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    bool digits = !part.empty() && part.find_first_not_of("0123456789") == std::string::npos;
    cur = in.get_item(cur, digits ? Value(static_cast<int64_t>(std::stoll(part))) : Value(part));
    if (dot == std::string::npos) return cur;
    start = dot + 1;
  }
}

namespace {

bool arg_bool(Args& a, size_t i, const char* name, bool dflt) {
  const Value* v = find_arg(a, i, name);
  return v ? v->truthy() : dflt;
}

// Sort key that ignores case for strings unless case_sensitive.
Value sort_key(const Value& v, bool case_sensitive) {
  return (!case_sensitive && v.is_string()) ? Value(py_lower(v.str())) : v;
}

Value f_items(Interp&, Value& v, Args&) {
  if (v.is_undefined()) return generator({});
  if (!v.is_dict() || v.is_namespace()) fail("TypeError: Can only get item pairs from a mapping.");
  std::vector<Value> out;
  for (const auto& kv : v.dict_data().items) out.push_back(Value::list({kv.first, kv.second}, ListKind::kTuple));
  return generator(std::move(out));
}

Value f_dictsort(Interp&, Value& v, Args& a) {
  bool cs = arg_bool(a, 0, "case_sensitive", false);
  const Value* by = find_arg(a, 1, "by");
  bool by_value = by && by->to_str() == "value";
  bool rev = arg_bool(a, 2, "reverse", false);
  if (!v.is_dict() || v.is_namespace()) fail("TypeError: You can only sort by either \"key\" or \"value\"");
  std::vector<std::pair<Value, Value>> items = v.dict_data().items;
  std::stable_sort(items.begin(), items.end(), [&](const auto& x, const auto& y) {
    const Value& kx = by_value ? x.second : x.first;
    const Value& ky = by_value ? y.second : y.first;
    return rev ? sort_key(ky, cs).less(sort_key(kx, cs)) : sort_key(kx, cs).less(sort_key(ky, cs));
  });
  std::vector<Value> out;
  for (auto& kv : items) out.push_back(Value::list({kv.first, kv.second}, ListKind::kTuple));
  return Value::list(std::move(out));
}

Value f_list(Interp&, Value& v, Args&) { return Value::list(seq_items(v)); }

// select/reject and selectattr/rejectattr share this: test by name (or truthiness) on item or attribute.
Value filter_items(Interp& in, Value& v, Args& a, bool by_attr, bool keep) {
  std::vector<Value> out;
  size_t next = 0;
  std::string attr;
  if (by_attr) {
    if (a.pos.empty()) fail("TypeError: selectattr/rejectattr need an attribute name");
    attr = a.pos[next++].to_str();
  }
  std::string test;
  if (next < a.pos.size()) test = a.pos[next++].to_str();
  if (!v.truthy()) return generator({});  // jinja2 checks `if value:` before iterating
  Args test_args;
  test_args.pos.assign(a.pos.begin() + static_cast<long>(next), a.pos.end());
  test_args.kw = a.kw;
  for (const auto& item : seq_items(v)) {
    Value x = by_attr ? get_path(in, item, attr) : item;
    bool ok = test.empty() ? x.truthy() : in.apply_test(test, x, test_args);
    if (ok == keep) out.push_back(item);
  }
  return generator(std::move(out));
}

Value f_select(Interp& in, Value& v, Args& a) { return filter_items(in, v, a, false, true); }
Value f_reject(Interp& in, Value& v, Args& a) { return filter_items(in, v, a, false, false); }
Value f_selectattr(Interp& in, Value& v, Args& a) { return filter_items(in, v, a, true, true); }
Value f_rejectattr(Interp& in, Value& v, Args& a) { return filter_items(in, v, a, true, false); }

Value f_map(Interp& in, Value& v, Args& a) {
  std::vector<Value> out;
  const Value* attr = nullptr;
  const Value* dflt = nullptr;
  for (auto& kv : a.kw) {
    if (kv.first == "attribute") attr = &kv.second;
    else if (kv.first == "default") dflt = &kv.second;
  }
  if (!v.truthy()) return generator({});  // jinja2 checks `if value:` before iterating
  if (attr) {
    for (const auto& item : seq_items(v)) {
      Value x = get_path(in, item, attr->to_str());
      out.push_back(x.is_undefined() && dflt ? *dflt : x);
    }
    return generator(std::move(out));
  }
  if (a.pos.empty()) fail("map requires a filter argument");
  std::string name = a.pos[0].to_str();
  Args rest;
  rest.pos.assign(a.pos.begin() + 1, a.pos.end());
  rest.kw = a.kw;
  for (const auto& item : seq_items(v)) {
    Args copy = rest;
    out.push_back(in.apply_filter(name, item, copy));
  }
  return generator(std::move(out));
}

Value f_sort(Interp& in, Value& v, Args& a) {
  bool rev = arg_bool(a, 0, "reverse", false);
  bool cs = arg_bool(a, 1, "case_sensitive", false);
  const Value* attr = find_arg(a, 2, "attribute");
  std::vector<Value> items = seq_items(v);
  std::vector<std::pair<Value, Value>> keyed;
  for (auto& x : items) keyed.emplace_back(sort_key(attr && !attr->is_none() ? get_path(in, x, attr->to_str()) : x, cs), x);
  std::stable_sort(keyed.begin(), keyed.end(), [&](const auto& x, const auto& y) {
    return rev ? y.first.less(x.first) : x.first.less(y.first);
  });
  std::vector<Value> out;
  for (auto& kv : keyed) out.push_back(kv.second);
  return Value::list(std::move(out));
}

Value f_unique(Interp& in, Value& v, Args& a) {
  bool cs = arg_bool(a, 0, "case_sensitive", false);
  const Value* attr = find_arg(a, 1, "attribute");
  std::vector<Value> seen, out;
  for (const auto& x : seq_items(v)) {
    Value key = sort_key(attr && !attr->is_none() ? get_path(in, x, attr->to_str()) : x, cs);
    bool dup = false;
    for (const auto& s : seen) dup = dup || s.equals(key);
    if (dup) continue;
    seen.push_back(key);
    out.push_back(x);
  }
  return generator(std::move(out));
}

Value min_max(Interp& in, Value& v, Args& a, bool want_max) {
  bool cs = arg_bool(a, 0, "case_sensitive", false);
  const Value* attr = find_arg(a, 1, "attribute");
  std::vector<Value> items = seq_items(v);
  if (items.empty()) return Value::undefined(std::string("No aggregated item, sequence was empty."));
  size_t best = 0;
  auto key = [&](size_t k) { return sort_key(attr && !attr->is_none() ? get_path(in, items[k], attr->to_str()) : items[k], cs); };
  for (size_t k = 1; k < items.size(); ++k) {
    bool better = want_max ? key(best).less(key(k)) : key(k).less(key(best));
    if (better) best = k;
  }
  return items[best];
}
Value f_min(Interp& in, Value& v, Args& a) { return min_max(in, v, a, false); }
Value f_max(Interp& in, Value& v, Args& a) { return min_max(in, v, a, true); }

Value f_first(Interp&, Value& v, Args&) {
  std::vector<Value> items = seq_items(v);
  return items.empty() ? Value::undefined("No first item, sequence was empty.") : items.front();
}

Value f_last(Interp&, Value& v, Args&) {
  if (v.is_list() && v.list_kind() == ListKind::kGenerator) fail("TypeError: 'generator' object is not reversible");
  std::vector<Value> items = seq_items(v);
  return items.empty() ? Value::undefined("No last item, sequence was empty.") : items.back();
}

Value f_reverse(Interp&, Value& v, Args&) {
  if (v.is_string()) {
    std::u32string u = utf8_decode(v.str());
    std::reverse(u.begin(), u.end());
    return Value(utf8_encode(u));
  }
  std::vector<Value> items = seq_items(v);
  std::reverse(items.begin(), items.end());
  return generator(std::move(items));
}

Value f_sum(Interp& in, Value& v, Args& a) {
  const Value* attr = find_arg(a, 0, "attribute");
  const Value* start = find_arg(a, 1, "start");
  Value total = start ? *start : Value(0);
  for (const auto& x : seq_items(v)) {
    Value item = attr && !attr->is_none() ? get_path(in, x, attr->to_str()) : x;
    if (!total.is_number() || !item.is_number()) fail("TypeError: unsupported operand type(s) for +");
    if (total.is_float() || item.is_float()) total = Value(total.as_double() + item.as_double());
    else total = Value(total.as_int() + item.as_int());
  }
  return total;
}

}  // namespace

void add_sequence_filters(FilterTable& t) {
  t["items"] = f_items;
  t["dictsort"] = f_dictsort;
  t["list"] = f_list;
  t["select"] = f_select;
  t["reject"] = f_reject;
  t["selectattr"] = f_selectattr;
  t["rejectattr"] = f_rejectattr;
  t["map"] = f_map;
  t["sort"] = f_sort;
  t["unique"] = f_unique;
  t["min"] = f_min;
  t["max"] = f_max;
  t["first"] = f_first;
  t["last"] = f_last;
  t["reverse"] = f_reverse;
  t["sum"] = f_sum;
}

}  // namespace loka::tmpl

// Evaluates template expressions: names, literals, attribute/item access, slicing, calls, boolean logic.
#include <algorithm>

#include "template/interp.h"
#include "template/text_util.h"

namespace loka::tmpl {

Value Interp::eval(const Node& n) {
  try {
    return eval_inner(n);
  } catch (const RuntimeFail& e) {
    fail_at(n, e.message);
  }
}

Args Interp::eval_args(const Node& n) {
  Args args;
  for (size_t k = 0; k < n.args.size(); ++k) {
    if (n.arg_names[k].empty()) args.pos.push_back(eval(*n.args[k]));
    else args.kw.emplace_back(n.arg_names[k], eval(*n.args[k]));
  }
  return args;
}

Value Interp::eval_inner(const Node& n) {
  tick();
  switch (n.kind) {
    case NodeKind::kLiteral: return n.value;
    case NodeKind::kName: {
      const Value* v = scope_->find(n.str);
      return v ? *v : Value::undefined("'" + n.str + "' is undefined");
    }
    case NodeKind::kList:
    case NodeKind::kTuple: {
      std::vector<Value> items;
      for (const auto& k : n.kids) items.push_back(eval(*k));
      return Value::list(std::move(items), n.kind == NodeKind::kTuple ? ListKind::kTuple : ListKind::kList);
    }
    case NodeKind::kDict: {
      auto d = std::make_shared<Value::DictData>();
      for (size_t k = 0; k + 1 < n.kids.size(); k += 2) {
        Value key = eval(*n.kids[k]);
        if (key.is_list() && key.list_kind() != ListKind::kTuple) fail("TypeError: unhashable type: 'list'");
        if (key.is_dict()) fail("TypeError: unhashable type: 'dict'");
        d->set(key, eval(*n.kids[k + 1]));
      }
      return Value::dict(std::move(d));
    }
    case NodeKind::kGetAttr: return get_attr(eval(*n.kids[0]), n.str);
    case NodeKind::kGetItem: return get_item(eval(*n.kids[0]), eval(*n.kids[1]));
    case NodeKind::kSlice: return eval_slice(n);
    case NodeKind::kCall: return eval_call(n);
    case NodeKind::kFilter: return eval_filter(n, n.kids[0] ? eval(*n.kids[0]) : Value());
    case NodeKind::kTest: return Value(eval_test(n));
    case NodeKind::kUnary: {
      Value v = eval(*n.kids[0]);
      if (n.str == "not") return Value(!v.truthy());
      require_defined(v);
      if (v.is_float()) return Value(n.str == "-" ? -v.as_double() : v.as_double());
      if (!v.is_number()) fail("TypeError: bad operand type for unary " + n.str + ": '" + v.type_name() + "'");
      if (n.str == "+") return Value(v.as_int());
      if (v.as_int() == INT64_MIN) fail("integer overflow");
      return Value(-v.as_int());
    }
    case NodeKind::kAnd: {
      Value l = eval(*n.kids[0]);
      return l.truthy() ? eval(*n.kids[1]) : l;
    }
    case NodeKind::kOr: {
      Value l = eval(*n.kids[0]);
      return l.truthy() ? l : eval(*n.kids[1]);
    }
    case NodeKind::kCondExpr: {
      if (eval(*n.kids[1]).truthy()) return eval(*n.kids[0]);
      if (n.kids[2]) return eval(*n.kids[2]);
      return Value::undefined("the inline if-expression on line " + std::to_string(n.line) +
                              " evaluated to false and no else section was defined.");
    }
    case NodeKind::kBinary: return eval_binary(n);
    default: fail("unsupported expression");
  }
}

Value Interp::eval_call(const Node& n) {
  Value f = eval(*n.kids[0]);
  Args args = eval_args(n);
  return call(f, args);
}

Value Interp::call(const Value& f, Args& args) {
  if (f.is_undefined()) fail_undefined(f);
  if (!f.is_func()) fail("TypeError: '" + f.type_name() + "' object is not callable");
  return f.function()(*this, args);
}

Value Interp::get_attr(const Value& obj, const std::string& name) {
  if (obj.is_undefined()) fail_undefined(obj);
  if (obj.is_dict()) {
    if (!obj.is_namespace()) {
      Value m = bound_method(obj, name);
      if (!m.is_undefined()) return m;
    }
    if (const Value* v = obj.dict_data().find(Value(name))) return *v;
  } else {
    Value m = bound_method(obj, name);
    if (!m.is_undefined()) return m;
  }
  std::string owner = obj.is_none() ? "None" : "'" + obj.type_name() + " object'";
  return Value::undefined(owner + " has no attribute '" + name + "'");
}

static bool normalize_index(int64_t& i, size_t size) {
  if (i < 0) i += static_cast<int64_t>(size);
  return i >= 0 && i < static_cast<int64_t>(size);
}

Value Interp::get_item(const Value& obj, const Value& key) {
  if (obj.is_undefined()) fail_undefined(obj);
  if (obj.is_dict() && !obj.is_namespace()) {
    if (const Value* v = obj.dict_data().find(key)) return *v;
  } else if (obj.is_list() && obj.list_kind() != ListKind::kGenerator && (key.is_int() || key.is_bool())) {
    int64_t i = key.as_int();
    if (normalize_index(i, obj.items().size())) return obj.items()[static_cast<size_t>(i)];
  } else if (obj.is_string() && (key.is_int() || key.is_bool())) {
    std::u32string u = utf8_decode(obj.str());
    int64_t i = key.as_int();
    if (normalize_index(i, u.size())) return Value(utf8_encode(u.substr(static_cast<size_t>(i), 1)));
  }
  if (key.is_string()) return get_attr(obj, key.str());
  std::string owner = obj.is_none() ? "None" : "'" + obj.type_name() + " object'";
  return Value::undefined(owner + " has no element " + key.repr());
}

// Python's slice.indices().
static void slice_bounds(const Value* a, const Value* b, const Value* c, int64_t len, int64_t& start,
                         int64_t& stop, int64_t& step) {
  step = c ? c->as_int() : 1;
  if (step == 0) fail("ValueError: slice step cannot be zero");
  auto clamp = [&](const Value* v, int64_t dflt) {
    if (!v) return dflt;
    int64_t x = v->as_int();
    if (x < 0) {
      x += len;
      if (x < 0) x = step < 0 ? -1 : 0;
    } else if (x >= len) {
      x = step < 0 ? len - 1 : len;
    }
    return x;
  };
  start = clamp(a, step < 0 ? len - 1 : 0);
  stop = clamp(b, step < 0 ? -1 : len);
}

Value Interp::eval_slice(const Node& n) {
  Value obj = eval(*n.kids[0]);
  Value parts[3];
  const Value* p[3] = {nullptr, nullptr, nullptr};
  for (int k = 0; k < 3; ++k) {
    if (!n.kids[k + 1]) continue;
    parts[k] = eval(*n.kids[k + 1]);
    if (parts[k].is_none()) continue;
    if (!parts[k].is_int() && !parts[k].is_bool())
      fail("TypeError: slice indices must be integers or None or have an __index__ method");
    p[k] = &parts[k];
  }
  require_defined(obj);
  if (obj.is_string()) {
    std::u32string u = utf8_decode(obj.str());
    int64_t start, stop, step;
    slice_bounds(p[0], p[1], p[2], static_cast<int64_t>(u.size()), start, stop, step);
    std::u32string r;
    for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) r.push_back(u[static_cast<size_t>(i)]);
    return Value(utf8_encode(r));
  }
  if (obj.is_list() && obj.list_kind() != ListKind::kGenerator) {
    const auto& items = obj.items();
    int64_t start, stop, step;
    slice_bounds(p[0], p[1], p[2], static_cast<int64_t>(items.size()), start, stop, step);
    std::vector<Value> r;
    for (int64_t i = start; step > 0 ? i < stop : i > stop; i += step) r.push_back(items[static_cast<size_t>(i)]);
    return Value::list(std::move(r), obj.list_kind());
  }
  return Value::undefined("'" + obj.type_name() + " object' has no element slice");
}

Value Interp::eval_filter(const Node& n, Value input) {
  Args args = eval_args(n);
  return apply_filter(n.str, std::move(input), args);
}

Value Interp::eval_filter_chain(const Node& n, Value body) {
  if (n.kids[0]) body = eval_filter_chain(*n.kids[0], std::move(body));  // {% filter a|b %}: a gets the body
  return eval_filter(n, std::move(body));
}

bool Interp::eval_test(const Node& n) {
  Value input = eval(*n.kids[0]);
  Args args = eval_args(n);
  bool r = apply_test(n.str, input, args);
  return n.flag ? !r : r;
}

}  // namespace loka::tmpl

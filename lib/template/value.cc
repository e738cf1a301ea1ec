// Dynamic value of the chat-template engine: truthiness, equality, ordering, str() and repr().
#include "template/value.h"

#include <nlohmann/json.hpp>

#include "template/text_util.h"

namespace loka::tmpl {

void fail(const std::string& message) { throw RuntimeFail{message}; }

const Value* Value::DictData::find(const Value& key) const {
  for (const auto& kv : items)
    if (kv.first.equals(key)) return &kv.second;
  return nullptr;
}

void Value::DictData::set(const Value& key, Value v) {
  for (auto& kv : items)
    if (kv.first.equals(key)) {
      kv.second = std::move(v);
      return;
    }
  items.emplace_back(key, std::move(v));
}

Value Value::list(std::vector<Value> items, ListKind kind) {
  Value v;
  v.kind_ = Kind::kList;
  v.list_ = std::make_shared<ListData>();
  v.list_->items = std::move(items);
  v.list_->kind = kind;
  return v;
}

Value Value::dict(std::shared_ptr<DictData> d) {
  Value v;
  v.kind_ = Kind::kDict;
  v.dict_ = d ? std::move(d) : std::make_shared<DictData>();
  return v;
}

Value Value::func(Func f, std::string name) {
  Value v;
  v.kind_ = Kind::kFunc;
  v.func_ = std::make_shared<Func>(std::move(f));
  v.s_ = std::move(name);
  return v;
}

template <typename Json>
static Value value_from_json(const Json& j) {
  switch (j.type()) {
    case nlohmann::json::value_t::null: return Value::none();
    case nlohmann::json::value_t::boolean: return Value(j.template get<bool>());
    case nlohmann::json::value_t::number_integer: return Value(j.template get<int64_t>());
    case nlohmann::json::value_t::number_unsigned: {
      uint64_t u = j.template get<uint64_t>();
      if (u > static_cast<uint64_t>(INT64_MAX)) return Value(static_cast<double>(u));
      return Value(static_cast<int64_t>(u));
    }
    case nlohmann::json::value_t::number_float: return Value(j.template get<double>());
    case nlohmann::json::value_t::string: return Value(j.template get<std::string>());
    case nlohmann::json::value_t::array: {
      std::vector<Value> items;
      items.reserve(j.size());
      for (const auto& e : j) items.push_back(value_from_json(e));
      return Value::list(std::move(items));
    }
    case nlohmann::json::value_t::object: {
      auto d = std::make_shared<Value::DictData>();
      for (auto it = j.begin(); it != j.end(); ++it) d->items.emplace_back(Value(it.key()), value_from_json(it.value()));
      return Value::dict(std::move(d));
    }
    default: return Value::none();
  }
}

Value Value::from_json(const nlohmann::json& j) { return value_from_json(j); }
Value Value::from_json(const nlohmann::ordered_json& j) { return value_from_json(j); }

bool Value::truthy() const {
  switch (kind_) {
    case Kind::kUndefined:
    case Kind::kNone: return false;
    case Kind::kBool:
    case Kind::kInt: return i_ != 0;
    case Kind::kFloat: return f_ != 0.0;
    case Kind::kString: return !s_.empty();
    case Kind::kList: return list_->kind == ListKind::kGenerator || !list_->items.empty();
    case Kind::kDict: return dict_->is_namespace || !dict_->items.empty();
    case Kind::kFunc: return true;
  }
  return false;
}

std::string Value::type_name() const {
  switch (kind_) {
    case Kind::kUndefined: return "Undefined";
    case Kind::kNone: return "NoneType";
    case Kind::kBool: return "bool";
    case Kind::kInt: return "int";
    case Kind::kFloat: return "float";
    case Kind::kString: return "str";
    case Kind::kList:
      return list_->kind == ListKind::kTuple ? "tuple" : list_->kind == ListKind::kGenerator ? "generator" : "list";
    case Kind::kDict: return dict_->is_namespace ? "Namespace" : "dict";
    case Kind::kFunc: return "function";
  }
  return "object";
}

std::string Value::to_str() const {
  switch (kind_) {
    case Kind::kUndefined: return "";
    case Kind::kString: return s_;
    default: return repr();
  }
}

std::string Value::repr() const {
  // A namespace can contain itself; bound the recursion instead of overflowing the stack.
  static thread_local int depth = 0;
  struct Depth {
    Depth() {
      if (++depth > 200) {
        --depth;
        fail("RecursionError: maximum recursion depth exceeded while getting the repr of an object");
      }
    }
    ~Depth() { --depth; }
  } guard;
  switch (kind_) {
    case Kind::kUndefined: return "";
    case Kind::kNone: return "None";
    case Kind::kBool: return i_ ? "True" : "False";
    case Kind::kInt: return std::to_string(i_);
    case Kind::kFloat: return python_float_repr(f_);
    case Kind::kString: return python_str_repr(s_);
    case Kind::kList: {
      if (list_->kind == ListKind::kGenerator) return "<generator object>";
      bool tuple = list_->kind == ListKind::kTuple;
      std::string out = tuple ? "(" : "[";
      for (size_t k = 0; k < list_->items.size(); ++k) {
        if (k) out += ", ";
        out += list_->items[k].repr();
      }
      if (tuple && list_->items.size() == 1) out += ",";
      out += tuple ? ")" : "]";
      return out;
    }
    case Kind::kDict: {
      std::string out = dict_->is_namespace ? "<Namespace {" : "{";
      for (size_t k = 0; k < dict_->items.size(); ++k) {
        if (k) out += ", ";
        out += dict_->items[k].first.repr() + ": " + dict_->items[k].second.repr();
      }
      return out + (dict_->is_namespace ? "}>" : "}");
    }
    case Kind::kFunc: return "<function " + s_ + ">";
  }
  return "";
}

std::vector<Value> Value::iterate() const {
  switch (kind_) {
    case Kind::kUndefined: return {};
    case Kind::kList: return list_->items;
    case Kind::kDict: {
      if (dict_->is_namespace) fail("'Namespace' object is not iterable");
      std::vector<Value> keys;
      for (const auto& kv : dict_->items) keys.push_back(kv.first);
      return keys;
    }
    case Kind::kString: {
      std::vector<Value> chars;
      for (char32_t c : utf8_decode(s_)) {
        std::string one;
        append_utf8(one, c);
        chars.emplace_back(std::move(one));
      }
      return chars;
    }
    default: fail("'" + type_name() + "' object is not iterable");
  }
}

bool Value::equals(const Value& o) const {
  if (is_number() && o.is_number()) {
    if (kind_ == Kind::kFloat || o.kind_ == Kind::kFloat) return as_double() == o.as_double();
    return i_ == o.i_;
  }
  if (kind_ != o.kind_) return false;
  switch (kind_) {
    case Kind::kUndefined:
    case Kind::kNone: return true;
    case Kind::kString: return s_ == o.s_;
    case Kind::kList: {
      if ((list_->kind == ListKind::kTuple) != (o.list_->kind == ListKind::kTuple)) return false;
      if (list_ == o.list_) return true;
      if (list_->items.size() != o.list_->items.size()) return false;
      for (size_t k = 0; k < list_->items.size(); ++k)
        if (!list_->items[k].equals(o.list_->items[k])) return false;
      return true;
    }
    case Kind::kDict: {
      if (dict_ == o.dict_) return true;
      if (dict_->is_namespace || o.dict_->is_namespace) return false;
      if (dict_->items.size() != o.dict_->items.size()) return false;
      for (const auto& kv : dict_->items) {
        const Value* other = o.dict_->find(kv.first);
        if (!other || !other->equals(kv.second)) return false;
      }
      return true;
    }
    case Kind::kFunc: return func_ == o.func_;
    default: return false;
  }
}

bool Value::less(const Value& o) const {
  if (is_number() && o.is_number()) {
    if (kind_ == Kind::kFloat || o.kind_ == Kind::kFloat) return as_double() < o.as_double();
    return i_ < o.i_;
  }
  if (is_string() && o.is_string()) return s_ < o.s_;  // UTF-8 byte order == code point order
  if (is_list() && o.is_list()) {
    const auto& a = list_->items;
    const auto& b = o.list_->items;
    for (size_t k = 0; k < a.size() && k < b.size(); ++k) {
      if (!a[k].equals(b[k])) return a[k].less(b[k]);
    }
    return a.size() < b.size();
  }
  fail("'<' not supported between instances of '" + type_name() + "' and '" + o.type_name() + "'");
}

}  // namespace loka::tmpl

// Dynamic value of the chat-template engine: Python-like none/bool/int/float/str/list/dict/callable.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace loka::tmpl {

class Value;
class Interp;

/// Positional and keyword arguments of a call, filter, test or method.
struct Args {
  std::vector<Value> pos;
  std::vector<std::pair<std::string, Value>> kw;
};

using Func = std::function<Value(Interp&, Args&)>;

/// A failure inside evaluation; the evaluator adds template name, line and column.
struct RuntimeFail {
  std::string message;
};
/// raise_exception(...) called by the template.
struct RaisedByTemplate {
  std::string message;
};

[[noreturn]] void fail(const std::string& message);

enum class ListKind : uint8_t { kList, kTuple, kGenerator };

class Value {
 public:
  enum class Kind : uint8_t { kUndefined, kNone, kBool, kInt, kFloat, kString, kList, kDict, kFunc };
  struct ListData {
    std::vector<Value> items;
    ListKind kind = ListKind::kList;
  };
  struct DictData {
    std::vector<std::pair<Value, Value>> items;  // insertion-ordered, like Python's dict
    bool is_namespace = false;
    const Value* find(const Value& key) const;
    void set(const Value& key, Value v);
  };

  Value() = default;  // undefined
  static Value undefined(std::string hint) { Value v; v.s_ = std::move(hint); return v; }
  static Value none() { Value v; v.kind_ = Kind::kNone; return v; }
  Value(bool b) : kind_(Kind::kBool), i_(b) {}
  Value(int64_t i) : kind_(Kind::kInt), i_(i) {}
  Value(int i) : kind_(Kind::kInt), i_(i) {}
  Value(double f) : kind_(Kind::kFloat), f_(f) {}
  Value(std::string s) : kind_(Kind::kString), s_(std::move(s)) {}
  Value(const char* s) : kind_(Kind::kString), s_(s) {}
  /// A markupsafe.Markup string (from |safe or |escape): `+` HTML-escapes a plain operand.
  static Value markup(std::string s) { Value v(std::move(s)); v.i_ = 1; return v; }
  static Value list(std::vector<Value> items, ListKind kind = ListKind::kList);
  static Value dict(std::shared_ptr<DictData> d = nullptr);
  static Value func(Func f, std::string name);
  /// From JSON; ordered_json keeps the key order a Python dict would have.
  static Value from_json(const nlohmann::json& j);
  static Value from_json(const nlohmann::ordered_json& j);

  Kind kind() const { return kind_; }
  bool is_undefined() const { return kind_ == Kind::kUndefined; }
  bool is_none() const { return kind_ == Kind::kNone; }
  bool is_bool() const { return kind_ == Kind::kBool; }
  bool is_int() const { return kind_ == Kind::kInt; }
  bool is_float() const { return kind_ == Kind::kFloat; }
  bool is_number() const { return kind_ == Kind::kInt || kind_ == Kind::kFloat || kind_ == Kind::kBool; }
  bool is_string() const { return kind_ == Kind::kString; }
  bool is_list() const { return kind_ == Kind::kList; }
  bool is_dict() const { return kind_ == Kind::kDict; }
  bool is_func() const { return kind_ == Kind::kFunc; }
  bool is_namespace() const { return is_dict() && dict_->is_namespace; }
  bool is_markup() const { return kind_ == Kind::kString && i_ != 0; }

  bool as_bool() const { return i_ != 0; }
  int64_t as_int() const { return i_; }  // also bool
  double as_double() const { return kind_ == Kind::kFloat ? f_ : static_cast<double>(i_); }
  const std::string& str() const { return s_; }  // string value, or undefined's hint
  const std::vector<Value>& items() const { return list_->items; }
  ListKind list_kind() const { return list_->kind; }
  DictData& dict_data() const { return *dict_; }
  const std::shared_ptr<DictData>& shared_dict() const { return dict_; }
  const Func& function() const { return *func_; }
  const std::string& func_name() const { return s_; }

  bool truthy() const;
  /// Python's type name, as in error messages ("str", "int", "dict", ...).
  std::string type_name() const;
  /// str(x) as jinja2 prints it ({{ x }}); undefined prints "".
  std::string to_str() const;
  /// repr(x) as Python writes it.
  std::string repr() const;
  /// Items iterated by `for` / list(): list items, dict keys, string characters; undefined -> none.
  std::vector<Value> iterate() const;
  /// Python's ==.
  bool equals(const Value& other) const;
  /// Python's <, or fail() for unorderable types.
  bool less(const Value& other) const;

 private:
  Kind kind_ = Kind::kUndefined;
  int64_t i_ = 0;
  double f_ = 0;
  std::string s_;
  std::shared_ptr<ListData> list_;
  std::shared_ptr<DictData> dict_;
  std::shared_ptr<Func> func_;
};

/// markupsafe.escape: & < > " ' as HTML entities.
std::string html_escape(const std::string& s);
/// Python's repr() of a float ("1.0", "0.1", "1e-05", "inf").
std::string python_float_repr(double f);
/// Python's repr() of a str.
std::string python_str_repr(const std::string& s);
/// Python json.dumps(x, ensure_ascii, indent, separators, sort_keys); a null indent means None.
std::string json_dumps(const Value& v, const std::string* indent, const std::string& item_sep,
                       const std::string& key_sep, bool sort_keys, bool ensure_ascii = false);

}  // namespace loka::tmpl

// Binary operators with Python semantics: arithmetic (floor division, modulo, power), ~, comparisons, in.
#include <cmath>

#include "template/interp.h"

namespace loka::tmpl {
namespace {

[[noreturn]] void unsupported(const std::string& op, const Value& a, const Value& b) {
  fail("TypeError: unsupported operand type(s) for " + op + ": '" + a.type_name() + "' and '" + b.type_name() + "'");
}

template <typename Op>
int64_t checked(Op op, int64_t x, int64_t y) {
  int64_t r = 0;
  if (op(x, y, &r)) fail("integer overflow");
  return r;
}
bool add_ovf(int64_t x, int64_t y, int64_t* r) { return __builtin_add_overflow(x, y, r); }
bool sub_ovf(int64_t x, int64_t y, int64_t* r) { return __builtin_sub_overflow(x, y, r); }
bool mul_ovf(int64_t x, int64_t y, int64_t* r) { return __builtin_mul_overflow(x, y, r); }

Value repeat(const Value& seq, int64_t times, Interp& in) {
  if (times <= 0) return seq.is_string() ? Value(std::string()) : Value::list({}, seq.list_kind());
  if (seq.is_string()) {
    in.check_size(seq.str().size() * static_cast<size_t>(std::min<int64_t>(times, INT32_MAX)));
    std::string r;
    for (int64_t k = 0; k < times; ++k) r += seq.str();
    return Value(std::move(r));
  }
  in.check_size(seq.items().size() * static_cast<size_t>(std::min<int64_t>(times, INT32_MAX)));
  std::vector<Value> r;
  for (int64_t k = 0; k < times; ++k) r.insert(r.end(), seq.items().begin(), seq.items().end());
  return Value::list(std::move(r), seq.list_kind());
}

bool contains(const Value& item, const Value& container) {
  if (container.is_undefined()) return false;
  if (container.is_string()) {
    if (!item.is_string())
      fail("TypeError: 'in <string>' requires string as left operand, not " + item.type_name());
    return container.str().find(item.str()) != std::string::npos;
  }
  if (container.is_dict() && !container.is_namespace()) return container.dict_data().find(item) != nullptr;
  if (container.is_list()) {
    for (const auto& v : container.items())
      if (v.equals(item)) return true;
    return false;
  }
  fail("TypeError: argument of type '" + container.type_name() + "' is not iterable");
}

Value arith(const std::string& op, const Value& a, const Value& b, Interp& in) {
  if (op == "+") {
    if (a.is_string() && b.is_string()) {
      in.check_size(a.str().size() + b.str().size());
      if (a.is_markup() || b.is_markup())
        return Value::markup((a.is_markup() ? a.str() : html_escape(a.str())) +
                             (b.is_markup() ? b.str() : html_escape(b.str())));
      return Value(a.str() + b.str());
    }
    if (a.is_list() && b.is_list() && a.list_kind() == b.list_kind() && a.list_kind() != ListKind::kGenerator) {
      std::vector<Value> r = a.items();
      r.insert(r.end(), b.items().begin(), b.items().end());
      return Value::list(std::move(r), a.list_kind());
    }
    if (a.is_string()) fail("TypeError: can only concatenate str (not \"" + b.type_name() + "\") to str");
    if (a.is_list()) fail("TypeError: can only concatenate " + a.type_name() + " (not \"" + b.type_name() + "\") to " + a.type_name());
  }
  if (op == "*") {
    if ((a.is_string() || a.is_list()) && (b.is_int() || b.is_bool())) return repeat(a, b.as_int(), in);
    if ((b.is_string() || b.is_list()) && (a.is_int() || a.is_bool())) return repeat(b, a.as_int(), in);
  }
  if (op == "%" && a.is_string()) return Value(percent_format(a.str(), b));
  if (!a.is_number() || !b.is_number()) unsupported(op == "**" ? "** or pow()" : op, a, b);
  bool floats = a.is_float() || b.is_float();
  if (op == "/") {
    if (b.as_double() == 0) fail("ZeroDivisionError: division by zero");
    return Value(a.as_double() / b.as_double());
  }
  if (floats) {
    double x = a.as_double(), y = b.as_double();
    if (op == "+") return Value(x + y);
    if (op == "-") return Value(x - y);
    if (op == "*") return Value(x * y);
    if (op == "**") return Value(std::pow(x, y));
    if (y == 0) fail("ZeroDivisionError: float division by zero");
    if (op == "//") return Value(std::floor(x / y));
    double m = std::fmod(x, y);
    if (m != 0 && ((m < 0) != (y < 0))) m += y;
    return Value(m);
  }
  int64_t x = a.as_int(), y = b.as_int();
  if (op == "+") return Value(checked(add_ovf, x, y));
  if (op == "-") return Value(checked(sub_ovf, x, y));
  if (op == "*") return Value(checked(mul_ovf, x, y));
  if (op == "**") {
    if (y < 0) return Value(std::pow(static_cast<double>(x), static_cast<double>(y)));
    int64_t acc = 1;
    for (int64_t k = 0; k < y; ++k) {
      acc = checked(mul_ovf, acc, x);
      if (acc == 0 || acc == 1) break;
    }
    return Value(acc);
  }
  if (y == 0) fail(op == "//" ? "ZeroDivisionError: integer division by zero" : "ZeroDivisionError: integer modulo by zero");
  if (x == INT64_MIN && y == -1) fail("integer overflow");
  int64_t q = x / y, m = x % y;
  if (m != 0 && ((m < 0) != (y < 0))) {
    --q;
    m += y;
  }
  return Value(op == "//" ? q : m);
}

}  // namespace

Value Interp::eval_binary(const Node& n) {
  Value a = eval(*n.kids[0]);
  Value b = eval(*n.kids[1]);
  const std::string& op = n.str;
  if (op == "~") {
    std::string r = a.to_str() + b.to_str();
    check_size(r.size());
    return Value(std::move(r));
  }
  if (op == "==") return Value(a.equals(b));
  if (op == "!=") return Value(!a.equals(b));
  if (op == "in") return Value(contains(a, b));
  if (op == "not in") return Value(!contains(a, b));
  require_defined(a);
  require_defined(b);
  if (op == "<") return Value(a.less(b));
  if (op == ">") return Value(b.less(a));
  if (op == "<=") return Value(!b.less(a));
  if (op == ">=") return Value(!a.less(b));
  return arith(op, a, b, *this);
}

std::string percent_format(const std::string& fmt, const Value& args) {
  std::vector<Value> list = args.is_list() && args.list_kind() == ListKind::kTuple ? args.items() : std::vector<Value>{args};
  std::string out;
  size_t used = 0;
  for (size_t k = 0; k < fmt.size(); ++k) {
    if (fmt[k] != '%') {
      out += fmt[k];
      continue;
    }
    if (++k >= fmt.size()) fail("ValueError: incomplete format");
    char c = fmt[k];
    if (c == '%') {
      out += '%';
      continue;
    }
    if (used >= list.size()) fail("TypeError: not enough arguments for format string");
    const Value& v = list[used++];
    if (c == 's') out += v.to_str();
    else if (c == 'r') out += v.repr();
    else if (c == 'd' || c == 'i') {
      if (!v.is_number()) fail("TypeError: %d format: a real number is required, not " + v.type_name());
      out += std::to_string(v.is_float() ? static_cast<int64_t>(v.as_double()) : v.as_int());
    } else {
      fail(std::string("unsupported format character '") + c + "'");
    }
  }
  if (used < list.size()) fail("TypeError: not all arguments converted during string formatting");
  return out;
}

}  // namespace loka::tmpl

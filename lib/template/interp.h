// Internal: the tree-walking evaluator (scopes, limits, statement execution, expression evaluation).
#pragma once

#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "template/ast.h"
#include "template/value.h"

namespace loka::tmpl {

struct Scope {
  std::shared_ptr<Scope> parent;
  std::unordered_map<std::string, Value> vars;
  const Value* find(const std::string& name) const {
    for (const Scope* s = this; s; s = s->parent.get()) {
      auto it = s->vars.find(name);
      if (it != s->vars.end()) return &it->second;
    }
    return nullptr;
  }
};

struct Limits {
  size_t max_output_bytes = 64u << 20;
  int max_call_depth = 200;
  uint64_t max_steps = 50'000'000;
  size_t max_range = 10'000'000;
};

class Interp {
 public:
  enum class Flow { kNormal, kBreak, kContinue };

  Interp(std::string name, Limits limits, std::optional<std::tm> now)
      : name_(std::move(name)), limits_(limits), now_(now) {}

  /// Renders `root` with `vars` on top of the builtin globals.
  std::string render(const Node& root, std::shared_ptr<Scope> vars);

  Flow exec(const Node& n, std::string& out);
  Flow exec_for(const Node& n, std::string& out);
  void exec_set(const Node& n);
  Value make_macro(const Node& n);
  Value eval(const Node& n);
  Value eval_inner(const Node& n);
  Value eval_binary(const Node& n);
  Value eval_call(const Node& n);
  Value eval_slice(const Node& n);
  Value eval_filter(const Node& n, Value input);
  Value eval_filter_chain(const Node& n, Value body);
  bool eval_test(const Node& n);
  Args eval_args(const Node& n);

  /// Calls a callable value (macro, builtin, bound method).
  Value call(const Value& f, Args& args);
  Value get_attr(const Value& obj, const std::string& name);
  Value get_item(const Value& obj, const Value& key);
  /// Applies a filter / test by name (also used by map/select/reject).
  Value apply_filter(const std::string& name, Value input, Args& args);
  bool apply_test(const std::string& name, const Value& input, Args& args);

  void tick() {
    if (++steps_ > limits_.max_steps) fail("template exceeded the evaluation step limit");
  }
  void check_size(size_t bytes) const {
    if (bytes > limits_.max_output_bytes) fail("template output exceeds the size limit");
  }
  const Limits& limits() const { return limits_; }
  const std::optional<std::tm>& now() const { return now_; }
  std::shared_ptr<Scope>& scope() { return scope_; }
  int& call_depth() { return call_depth_; }
  [[noreturn]] void fail_at(const Node& n, const std::string& msg) const;
  /// Macros and callers hold their defining scope weakly (a scope holding a macro that held
  /// the scope would leak); the render keeps such scopes alive here until it ends.
  std::weak_ptr<Scope> keep(std::shared_ptr<Scope> s) {
    kept_.push_back(s);
    return s;
  }
  /// Namespaces can contain themselves; their items are dropped when the render ends.
  void track(std::shared_ptr<Value::DictData> ns) { namespaces_.push_back(std::move(ns)); }
  ~Interp() {
    for (auto& ns : namespaces_) ns->items.clear();
  }

 private:
  std::string name_;
  Limits limits_;
  std::optional<std::tm> now_;
  std::shared_ptr<Scope> scope_;
  uint64_t steps_ = 0;
  int call_depth_ = 0;
  std::vector<std::shared_ptr<Scope>> kept_;
  std::vector<std::shared_ptr<Value::DictData>> namespaces_;
};

/// Undefined-aware helpers shared by filters, tests and operators.
[[noreturn]] void fail_undefined(const Value& v);
inline void require_defined(const Value& v) {
  if (v.is_undefined()) fail_undefined(v);
}
/// Keyword-or-positional argument lookup; returns nullptr when absent.
const Value* find_arg(Args& args, size_t index, const char* name);
/// Builtin globals: range, namespace, dict, raise_exception, strftime_now.
void add_globals(Scope& scope);
/// Bound method `name` of a str/list/dict value, or undefined when there is none.
Value bound_method(const Value& obj, const std::string& name);
/// Python's str % args.
std::string percent_format(const std::string& fmt, const Value& args);

}  // namespace loka::tmpl

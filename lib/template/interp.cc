// Executes template statements: output, if, for (with loop variables), set, macro, call and filter blocks.
#include "template/interp.h"

#include "core/error.h"

namespace loka::tmpl {

void Interp::fail_at(const Node& n, const std::string& msg) const {
  throw Error(ErrorCode::kInvalidArgument,
              name_ + ":" + std::to_string(n.line) + ":" + std::to_string(n.col) + ": " + msg);
}

void fail_undefined(const Value& v) {
  fail("UndefinedError: " + (v.str().empty() ? std::string("value is undefined") : v.str()));
}

std::string Interp::render(const Node& root, std::shared_ptr<Scope> vars) {
  auto globals = std::make_shared<Scope>();
  add_globals(*globals);
  vars->parent = globals;
  scope_ = std::make_shared<Scope>();
  scope_->parent = vars;
  std::string out;
  exec(root, out);
  return out;
}

Interp::Flow Interp::exec(const Node& n, std::string& out) {
  tick();
  switch (n.kind) {
    case NodeKind::kBlock:
      for (const auto& k : n.kids) {
        Flow f = exec(*k, out);
        if (f != Flow::kNormal) return f;
      }
      return Flow::kNormal;
    case NodeKind::kText:
      out += n.str;
      check_size(out.size());
      return Flow::kNormal;
    case NodeKind::kOutput:
      out += eval(*n.kids[0]).to_str();
      check_size(out.size());
      return Flow::kNormal;
    case NodeKind::kIf:
      if (eval(*n.kids[0]).truthy()) return exec(*n.kids[1], out);
      if (n.kids[2]) return exec(*n.kids[2], out);
      return Flow::kNormal;
    case NodeKind::kFor: return exec_for(n, out);
    case NodeKind::kSet:
      try {
        exec_set(n);
      } catch (const RuntimeFail& e) {
        fail_at(n, e.message);
      }
      return Flow::kNormal;
    case NodeKind::kMacro: scope_->vars[n.str] = make_macro(n); return Flow::kNormal;
    case NodeKind::kCallBlock: {
      const Node& call_node = *n.kids[0];
      auto body = n.kids[1];
      auto params = n.names;
      std::weak_ptr<Scope> def_scope = keep(scope_);
      Value caller = Value::func(
          [body, params, def_scope](Interp& in, Args& args) {
            auto s = std::make_shared<Scope>();
            s->parent = def_scope.lock();
            for (size_t k = 0; k < params.size(); ++k)
              s->vars[params[k]] = k < args.pos.size() ? args.pos[k] : Value::undefined("'" + params[k] + "' is undefined");
            std::swap(in.scope(), s);
            std::string text;
            try {
              in.exec(*body, text);
            } catch (...) {
              std::swap(in.scope(), s);
              throw;
            }
            std::swap(in.scope(), s);
            return Value(std::move(text));
          },
          "caller");
      try {
        Value f = eval(*call_node.kids[0]);
        Args args = eval_args(call_node);
        args.kw.emplace_back("caller", caller);
        out += call(f, args).to_str();
      } catch (const RuntimeFail& e) {
        fail_at(n, e.message);
      }
      check_size(out.size());
      return Flow::kNormal;
    }
    case NodeKind::kFilterBlock: {
      std::string body;
      exec(*n.kids[1], body);
      try {
        out += eval_filter_chain(*n.kids[0], Value(std::move(body))).to_str();
      } catch (const RuntimeFail& e) {
        fail_at(n, e.message);
      }
      check_size(out.size());
      return Flow::kNormal;
    }
    case NodeKind::kBreak: return Flow::kBreak;
    case NodeKind::kContinue: return Flow::kContinue;
    default: fail_at(n, "unexpected node");
  }
}

Interp::Flow Interp::exec_for(const Node& n, std::string& out) {
  std::vector<Value> items;
  try {
    items = eval(*n.kids[0]).iterate();
  } catch (const RuntimeFail& e) {
    fail_at(n, e.message);
  }
  // Each iteration starts from a fresh scope over the enclosing one: a {% set %} in the
  // body does not survive to the next iteration or after the loop (jinja2 semantics).
  std::shared_ptr<Scope> outer = scope_;
  struct Restore {
    std::shared_ptr<Scope>& slot;
    std::shared_ptr<Scope> saved;
    ~Restore() { slot = saved; }
  } restore{scope_, outer};
  auto fresh = [&] {
    scope_ = std::make_shared<Scope>();
    scope_->parent = outer;
  };
  fresh();

  auto bind = [&](const Value& item) {
    if (n.names.size() == 1 && !n.flag) {
      scope_->vars[n.names[0]] = item;
      return;
    }
    std::vector<Value> parts = item.iterate();
    if (parts.size() != n.names.size())
      fail(std::string(parts.size() > n.names.size() ? "too many" : "not enough") + " values to unpack (expected " +
           std::to_string(n.names.size()) + ", got " + std::to_string(parts.size()) + ")");
    for (size_t k = 0; k < parts.size(); ++k) scope_->vars[n.names[k]] = parts[k];
  };
  if (n.kids[1]) {  // {% for x in xs if cond %}: filter before counting, like jinja2
    std::vector<Value> kept;
    try {
      for (const auto& item : items) {
        bind(item);
        if (eval(*n.kids[1]).truthy()) kept.push_back(item);
        fresh();
      }
    } catch (const RuntimeFail& e) {
      fail_at(n, e.message);
    }
    items = std::move(kept);
  }
  const int64_t len = static_cast<int64_t>(items.size());
  for (int64_t i = 0; i < len; ++i) {
    fresh();
    try {
      bind(items[i]);
    } catch (const RuntimeFail& e) {
      fail_at(n, e.message);
    }
    auto loop = std::make_shared<Value::DictData>();
    loop->items = {{Value("index"), Value(i + 1)},      {Value("index0"), Value(i)},
                   {Value("revindex"), Value(len - i)}, {Value("revindex0"), Value(len - i - 1)},
                   {Value("first"), Value(i == 0)},     {Value("last"), Value(i == len - 1)},
                   {Value("length"), Value(len)},       {Value("depth"), Value(1)},
                   {Value("depth0"), Value(0)}};
    if (i > 0) loop->items.emplace_back(Value("previtem"), items[i - 1]);
    if (i + 1 < len) loop->items.emplace_back(Value("nextitem"), items[i + 1]);
    loop->items.emplace_back(Value("cycle"), Value::func(
                                                 [i](Interp&, Args& args) {
                                                   if (args.pos.empty()) fail("no items for cycling given");
                                                   return args.pos[static_cast<size_t>(i) % args.pos.size()];
                                                 },
                                                 "cycle"));
    scope_->vars["loop"] = Value::dict(loop);
    Flow f = exec(*n.kids[2], out);
    if (f == Flow::kBreak) break;
  }
  if (len == 0 && n.kids[3]) return exec(*n.kids[3], out);  // break/continue here belong to an outer loop
  return Flow::kNormal;
}

void Interp::exec_set(const Node& n) {
  Value v;
  if (n.flag) {
    std::string body;
    exec(*n.kids[0], body);
    v = Value(std::move(body));
  } else {
    v = eval(*n.kids[0]);
  }
  if (!n.str.empty()) {
    const Value* ns = scope_->find(n.str);
    if (!ns || !ns->is_namespace()) fail("cannot assign attribute on non-namespace object");
    ns->dict_data().set(Value(n.str2), std::move(v));
    return;
  }
  if (n.names.size() == 1) {
    scope_->vars[n.names[0]] = std::move(v);
    return;
  }
  std::vector<Value> parts = v.iterate();
  if (parts.size() != n.names.size())
    fail(std::string(parts.size() > n.names.size() ? "too many" : "not enough") + " values to unpack (expected " +
         std::to_string(n.names.size()) + ", got " + std::to_string(parts.size()) + ")");
  for (size_t k = 0; k < parts.size(); ++k) scope_->vars[n.names[k]] = parts[k];
}

Value Interp::make_macro(const Node& n) {
  std::weak_ptr<Scope> def_scope = keep(scope_);
  const Node* node = &n;  // the tree outlives every render
  return Value::func(
      [node, def_scope](Interp& in, Args& args) {
        if (++in.call_depth() > in.limits().max_call_depth) {
          --in.call_depth();
          fail("macro recursion too deep (more than " + std::to_string(in.limits().max_call_depth) + " calls)");
        }
        auto s = std::make_shared<Scope>();
        s->parent = def_scope.lock();
        std::vector<Value> extra;
        for (size_t k = 0; k < args.pos.size(); ++k) {
          if (k < node->names.size()) s->vars[node->names[k]] = args.pos[k];
          else extra.push_back(args.pos[k]);
        }
        auto kwargs = std::make_shared<Value::DictData>();
        for (auto& kv : args.kw) {
          bool is_param = false;
          for (const auto& p : node->names) is_param = is_param || p == kv.first;
          if (is_param) s->vars[kv.first] = kv.second;
          else if (kv.first == "caller") s->vars["caller"] = kv.second;
          else kwargs->items.emplace_back(Value(kv.first), kv.second);
        }
        std::swap(in.scope(), s);
        std::string text;
        try {
          for (size_t k = 0; k < node->names.size(); ++k) {
            if (in.scope()->vars.count(node->names[k])) continue;
            in.scope()->vars[node->names[k]] =
                node->args[k] ? in.eval(*node->args[k])
                              : Value::undefined("parameter '" + node->names[k] + "' was not provided");
          }
          in.scope()->vars["varargs"] = Value::list(std::move(extra));
          in.scope()->vars["kwargs"] = Value::dict(kwargs);
          in.exec(*node->kids[0], text);
        } catch (...) {
          std::swap(in.scope(), s);
          --in.call_depth();
          throw;
        }
        std::swap(in.scope(), s);
        --in.call_depth();
        return Value(std::move(text));
      },
      n.str);
}

}  // namespace loka::tmpl

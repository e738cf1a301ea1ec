// Parses template expressions with jinja2's precedence: condexpr, or, and, not, compare,
// + -, ~, * / // %, **, unary, then postfix (attribute, subscript, call) and filters/tests.
#include <cerrno>
#include <cstdlib>

#include "template/parser_impl.h"

namespace loka::tmpl {

NodePtr Parser::parse_tuple(bool with_condexpr, bool explicit_parens) {
  const Token& at = peek();
  std::vector<NodePtr> items;
  bool is_tuple = false;
  while (true) {
    if (!items.empty()) {
      if (!skip_op(",")) break;
      is_tuple = true;
    }
    const Token& t = peek();
    if (t.type == Tok::kVarEnd || t.type == Tok::kBlockEnd || is_op(")") || (t.type == Tok::kName && t.text == "in" && !items.empty()))
      break;
    items.push_back(parse_expression(with_condexpr));
  }
  if (!is_tuple) {
    if (!items.empty()) return items[0];
    if (!explicit_parens) error(peek(), "unexpected '" + describe(peek()) + "'");
  }
  auto n = make(NodeKind::kTuple, at);
  n->kids = std::move(items);
  return n;
}

NodePtr Parser::parse_expression(bool with_condexpr) {
  DepthGuard guard(*this, peek());
  NodePtr expr = parse_or();
  if (!with_condexpr) return expr;
  while (is_name("if")) {
    auto n = make(NodeKind::kCondExpr, next());
    NodePtr cond = parse_or();
    NodePtr otherwise = skip_name("else") ? parse_expression() : nullptr;
    n->kids = {expr, cond, otherwise};
    expr = n;
  }
  return expr;
}

NodePtr Parser::parse_or() {
  NodePtr left = parse_and();
  while (is_name("or")) {
    auto n = make(NodeKind::kOr, next());
    n->kids = {left, parse_and()};
    left = n;
  }
  return left;
}

NodePtr Parser::parse_and() {
  NodePtr left = parse_not();
  while (is_name("and")) {
    auto n = make(NodeKind::kAnd, next());
    n->kids = {left, parse_not()};
    left = n;
  }
  return left;
}

NodePtr Parser::parse_not() {
  if (is_name("not")) {
    DepthGuard guard(*this, peek());
    auto n = make(NodeKind::kUnary, next());
    n->str = "not";
    n->kids = {parse_not()};
    return n;
  }
  return parse_compare();
}

NodePtr Parser::parse_compare() {
  NodePtr first = parse_math1();
  NodePtr result;
  NodePtr left = first;
  while (true) {
    std::string op;
    const Token& at = peek();
    if (at.type == Tok::kOp && (at.text == "==" || at.text == "!=" || at.text == "<" || at.text == ">" ||
                                at.text == "<=" || at.text == ">=")) {
      op = next().text;
    } else if (is_name("in")) {
      next();
      op = "in";
    } else if (is_name("not") && is_name("in", 1)) {
      next();
      next();
      op = "not in";
    } else {
      break;
    }
    auto cmp = make(NodeKind::kBinary, at);
    cmp->str = op;
    NodePtr right = parse_math1();
    cmp->kids = {left, right};
    if (!result) {
      result = cmp;
    } else {  // a < b < c  ==  (a < b) and (b < c)
      auto both = make(NodeKind::kAnd, at);
      both->kids = {result, cmp};
      result = both;
    }
    left = right;
  }
  return result ? result : first;
}

static NodePtr binary(Parser& p, const Token& at, const std::string& op, NodePtr l, NodePtr r) {
  auto n = p.make(NodeKind::kBinary, at);
  n->str = op;
  n->kids = {std::move(l), std::move(r)};
  return n;
}

NodePtr Parser::parse_math1() {
  NodePtr left = parse_concat();
  while (is_op("+") || is_op("-")) {
    const Token& at = next();
    left = binary(*this, at, at.text, left, parse_concat());
  }
  return left;
}

NodePtr Parser::parse_concat() {
  NodePtr left = parse_math2();
  while (is_op("~")) {
    const Token& at = next();
    left = binary(*this, at, "~", left, parse_math2());
  }
  return left;
}

NodePtr Parser::parse_math2() {
  NodePtr left = parse_pow();
  while (is_op("*") || is_op("/") || is_op("//") || is_op("%")) {
    const Token& at = next();
    left = binary(*this, at, at.text, left, parse_pow());
  }
  return left;
}

NodePtr Parser::parse_pow() {
  NodePtr left = parse_unary();
  while (is_op("**")) {
    const Token& at = next();
    left = binary(*this, at, "**", left, parse_unary());
  }
  return left;
}

NodePtr Parser::parse_unary(bool with_filter) {
  DepthGuard guard(*this, peek());
  NodePtr node;
  if (is_op("-") || is_op("+")) {
    auto n = make(NodeKind::kUnary, peek());
    n->str = next().text;
    n->kids = {parse_unary(false)};
    node = n;
  } else {
    node = parse_primary();
  }
  node = parse_postfix(node);
  if (with_filter) node = parse_filter_expr(node);
  return node;
}

NodePtr Parser::parse_primary() {
  const Token& t = peek();
  switch (t.type) {
    case Tok::kName: {
      next();
      auto n = make(NodeKind::kLiteral, t);
      if (t.text == "true" || t.text == "True") n->value = Value(true);
      else if (t.text == "false" || t.text == "False") n->value = Value(false);
      else if (t.text == "none" || t.text == "None") n->value = Value::none();
      else {
        n->kind = NodeKind::kName;
        n->str = t.text;
      }
      return n;
    }
    case Tok::kString: {
      auto n = make(NodeKind::kLiteral, t);
      std::string s;
      while (peek().type == Tok::kString) s += next().text;
      n->value = Value(std::move(s));
      return n;
    }
    case Tok::kInt: {
      next();
      auto n = make(NodeKind::kLiteral, t);
      errno = 0;
      char* end = nullptr;
      long long v = std::strtoll(t.text.c_str(), &end, 10);
      if (errno == ERANGE) error(t, "integer literal too large");
      n->value = Value(static_cast<int64_t>(v));
      return n;
    }
    case Tok::kFloat: {
      next();
      auto n = make(NodeKind::kLiteral, t);
      n->value = Value(std::strtod(t.text.c_str(), nullptr));
      return n;
    }
    case Tok::kOp: {
      if (t.text == "(") {
        next();
        NodePtr inner = parse_tuple(true, true);
        expect_op(")");
        return inner;
      }
      if (t.text == "[") {
        next();
        auto n = make(NodeKind::kList, t);
        while (!is_op("]")) {
          if (!n->kids.empty()) expect_op(",");
          if (is_op("]")) break;
          n->kids.push_back(parse_expression());
        }
        expect_op("]");
        return n;
      }
      if (t.text == "{") {
        next();
        auto n = make(NodeKind::kDict, t);
        while (!is_op("}")) {
          if (!n->kids.empty()) expect_op(",");
          if (is_op("}")) break;
          n->kids.push_back(parse_expression());
          expect_op(":");
          n->kids.push_back(parse_expression());
        }
        expect_op("}");
        return n;
      }
      break;
    }
    default: break;
  }
  error(t, "unexpected '" + describe(t) + "'");
}

void Parser::parse_call_args(Node& node) {
  expect_op("(");
  while (!is_op(")")) {
    if (!node.args.empty()) expect_op(",");
    if (is_op(")")) break;
    if (is_op("*") || is_op("**")) error(peek(), "*args / **kwargs in calls are not supported");
    if (peek().type == Tok::kName && is_op("=", 1)) {
      node.arg_names.push_back(next().text);
      next();
    } else {
      for (const auto& a : node.arg_names)
        if (!a.empty()) error(peek(), "invalid syntax for function call expression");
      node.arg_names.push_back("");
    }
    node.args.push_back(parse_expression());
  }
  expect_op(")");
}

NodePtr Parser::parse_subscript(NodePtr node) {
  const Token& at = next();  // '['
  NodePtr parts[3];
  int colons = 0;
  bool any = false;
  while (!is_op("]")) {
    if (skip_op(":")) {
      if (++colons > 2) error(peek(), "invalid slice");
      continue;
    }
    if (parts[colons]) error(peek(), "expected ']'");
    parts[colons] = parse_expression();
    any = true;
  }
  expect_op("]");
  if (colons == 0) {
    if (!any) error(at, "expected subscript expression");
    auto n = make(NodeKind::kGetItem, at);
    n->kids = {node, parts[0]};
    return n;
  }
  auto n = make(NodeKind::kSlice, at);
  n->kids = {node, parts[0], parts[1], parts[2]};
  return n;
}

NodePtr Parser::parse_postfix(NodePtr node) {
  while (true) {
    if (is_op(".")) {
      const Token& at = next();
      if (peek().type == Tok::kInt) {
        auto n = make(NodeKind::kGetItem, at);
        auto idx = make(NodeKind::kLiteral, peek());
        idx->value = Value(static_cast<int64_t>(std::strtoll(next().text.c_str(), nullptr, 10)));
        n->kids = {node, idx};
        node = n;
        continue;
      }
      auto n = make(NodeKind::kGetAttr, at);
      n->str = expect_name();
      n->kids = {node};
      node = n;
    } else if (is_op("[")) {
      node = parse_subscript(node);
    } else if (is_op("(")) {
      auto n = make(NodeKind::kCall, peek());
      n->kids = {node};
      parse_call_args(*n);
      node = n;
    } else {
      return node;
    }
  }
}

NodePtr Parser::parse_filter(NodePtr input) {
  const Token& at = peek();
  auto n = make(NodeKind::kFilter, at);
  n->str = expect_name();
  while (is_op(".")) {
    next();
    n->str += "." + expect_name();
  }
  n->kids = {input};
  if (is_op("(")) parse_call_args(*n);
  return n;
}

NodePtr Parser::parse_test(NodePtr input) {
  const Token& at = peek();
  auto n = make(NodeKind::kTest, at);
  n->flag = skip_name("not");
  n->str = expect_name();
  while (is_op(".")) {
    next();
    n->str += "." + expect_name();
  }
  n->kids = {input};
  const Token& t = peek();
  if (is_op("(")) {
    parse_call_args(*n);
  } else if ((t.type == Tok::kName || t.type == Tok::kString || t.type == Tok::kInt || t.type == Tok::kFloat ||
              is_op("[") || is_op("{")) &&
             !(t.type == Tok::kName && (t.text == "else" || t.text == "or" || t.text == "and" || t.text == "if" ||
                                        t.text == "in" || t.text == "not" || t.text == "is"))) {
    NodePtr arg = parse_postfix(parse_primary());
    n->args.push_back(arg);
    n->arg_names.push_back("");
  }
  return n;
}

NodePtr Parser::parse_filter_expr(NodePtr node) {
  while (true) {
    if (skip_op("|")) {
      node = parse_filter(node);
    } else if (skip_name("is")) {
      node = parse_test(node);
    } else if (is_op("(")) {
      auto n = make(NodeKind::kCall, peek());
      n->kids = {node};
      parse_call_args(*n);
      node = n;
    } else {
      return node;
    }
  }
}

}  // namespace loka::tmpl

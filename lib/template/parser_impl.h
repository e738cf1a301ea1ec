// Internal: the recursive-descent parser shared by parser.cc (statements) and parser_expr.cc.
#pragma once

#include <string>
#include <vector>

#include "template/ast.h"
#include "template/lexer.h"

namespace loka::tmpl {

class Parser {
 public:
  Parser(std::vector<Token> tokens, const std::string& name) : toks_(std::move(tokens)), name_(name) {}
  NodePtr parse_root();

  // statements (parser.cc)
  NodePtr parse_body(const std::vector<std::string>& ends, std::string* which_end);
  NodePtr parse_statement();
  NodePtr parse_if(const Token& at);
  NodePtr parse_for(const Token& at);
  NodePtr parse_set(const Token& at);
  NodePtr parse_macro(const Token& at);
  NodePtr parse_call_block(const Token& at);
  NodePtr parse_filter_block(const Token& at);

  // expressions (parser_expr.cc)
  NodePtr parse_tuple(bool with_condexpr = true, bool explicit_parens = false);
  NodePtr parse_expression(bool with_condexpr = true);
  NodePtr parse_or();
  NodePtr parse_and();
  NodePtr parse_not();
  NodePtr parse_compare();
  NodePtr parse_math1();
  NodePtr parse_concat();
  NodePtr parse_math2();
  NodePtr parse_pow();
  NodePtr parse_unary(bool with_filter = true);
  NodePtr parse_primary();
  NodePtr parse_postfix(NodePtr node);
  NodePtr parse_filter_expr(NodePtr node);
  NodePtr parse_filter(NodePtr input);
  NodePtr parse_test(NodePtr input);
  NodePtr parse_subscript(NodePtr node);
  void parse_call_args(Node& node);
  std::vector<std::string> parse_targets(bool* is_tuple);

  // token helpers
  const Token& peek(size_t ahead = 0) const {
    return toks_[std::min(pos_ + ahead, toks_.size() - 1)];
  }
  const Token& next() { const Token& t = peek(); if (pos_ < toks_.size() - 1) ++pos_; return t; }
  bool is_op(const char* op, size_t ahead = 0) const {
    return peek(ahead).type == Tok::kOp && peek(ahead).text == op;
  }
  bool is_name(const char* n, size_t ahead = 0) const {
    return peek(ahead).type == Tok::kName && peek(ahead).text == n;
  }
  bool skip_op(const char* op) { if (is_op(op)) { next(); return true; } return false; }
  bool skip_name(const char* n) { if (is_name(n)) { next(); return true; } return false; }
  void expect_op(const char* op);
  std::string expect_name();
  void expect_block_end();
  [[noreturn]] void error(const Token& at, const std::string& msg) const;
  std::string describe(const Token& t) const;
  std::shared_ptr<Node> make(NodeKind kind, const Token& at) const;

  struct DepthGuard {
    Parser& p;
    DepthGuard(Parser& parser, const Token& at);
    ~DepthGuard() { --p.depth_; }
  };

 private:
  std::vector<Token> toks_;
  size_t pos_ = 0;
  const std::string& name_;
  int depth_ = 0;
};

}  // namespace loka::tmpl

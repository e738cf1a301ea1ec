// Parses template statements (if/for/set/macro/call/filter/...) and checks filter names like jinja2's compiler.
#include "template/parser.h"

#include "core/error.h"
#include "template/parser_impl.h"

namespace loka::tmpl {

constexpr int kMaxNesting = 200;

Parser::DepthGuard::DepthGuard(Parser& parser, const Token& at) : p(parser) {
  if (++p.depth_ > kMaxNesting) p.error(at, "template nesting too deep (more than " + std::to_string(kMaxNesting) + ")");
}

void Parser::error(const Token& at, const std::string& msg) const {
  throw Error(ErrorCode::kFormat, name_ + ":" + std::to_string(at.line) + ":" + std::to_string(at.col) + ": " + msg);
}

std::string Parser::describe(const Token& t) const {
  switch (t.type) {
    case Tok::kEof: return "end of template";
    case Tok::kVarEnd: return "end of print statement";
    case Tok::kBlockEnd: return "end of statement block";
    case Tok::kText: return "template data";
    default: return t.text;
  }
}

std::shared_ptr<Node> Parser::make(NodeKind kind, const Token& at) const {
  auto n = std::make_shared<Node>();
  n->kind = kind;
  n->line = at.line;
  n->col = at.col;
  return n;
}

void Parser::expect_op(const char* op) {
  if (!skip_op(op)) error(peek(), "expected '" + std::string(op) + "', got '" + describe(peek()) + "'");
}

std::string Parser::expect_name() {
  if (peek().type != Tok::kName) error(peek(), "expected a name, got '" + describe(peek()) + "'");
  return next().text;
}

void Parser::expect_block_end() {
  if (peek().type != Tok::kBlockEnd)
    error(peek(), "expected 'end of statement block', got '" + describe(peek()) + "'");
  next();
}

static std::string join_tags(const std::vector<std::string>& ends) {
  std::string s;
  for (size_t k = 0; k < ends.size(); ++k) s += (k ? " or '" : "'") + ends[k] + "'";
  return s;
}

NodePtr Parser::parse_body(const std::vector<std::string>& ends, std::string* which_end) {
  DepthGuard guard(*this, peek());
  auto block = make(NodeKind::kBlock, peek());
  while (true) {
    const Token& t = peek();
    if (t.type == Tok::kEof) {
      if (ends.empty()) return block;
      error(t, "Unexpected end of template. Jinja was looking for the following tags: " + join_tags(ends) + ".");
    }
    if (t.type == Tok::kText) {
      auto n = make(NodeKind::kText, t);
      n->str = t.text;
      block->kids.push_back(n);
      next();
    } else if (t.type == Tok::kVarBegin) {
      next();
      auto n = make(NodeKind::kOutput, t);
      n->kids.push_back(parse_tuple());
      if (peek().type != Tok::kVarEnd)
        error(peek(), "expected 'end of print statement', got '" + describe(peek()) + "'");
      next();
      block->kids.push_back(n);
    } else if (t.type == Tok::kBlockBegin) {
      const Token& tag = peek(1);
      if (tag.type == Tok::kName) {
        for (const auto& e : ends)
          if (tag.text == e) {
            next();
            next();
            *which_end = e;
            return block;
          }
      }
      next();
      block->kids.push_back(parse_statement());
    } else {
      error(t, "unexpected '" + describe(t) + "'");
    }
  }
}

NodePtr Parser::parse_statement() {
  const Token& at = peek();
  if (at.type != Tok::kName) error(at, "tag name expected");
  std::string tag = next().text;
  if (tag == "if") return parse_if(at);
  if (tag == "for") return parse_for(at);
  if (tag == "set") return parse_set(at);
  if (tag == "macro") return parse_macro(at);
  if (tag == "call") return parse_call_block(at);
  if (tag == "filter") return parse_filter_block(at);
  if (tag == "break" || tag == "continue") {
    expect_block_end();
    return make(tag == "break" ? NodeKind::kBreak : NodeKind::kContinue, at);
  }
  if (tag == "generation") {  // transformers' extension: renders its body
    expect_block_end();
    std::string end;
    NodePtr body = parse_body({"endgeneration"}, &end);
    expect_block_end();
    return body;
  }
  if (tag == "raw" || tag == "endraw") error(at, "malformed raw block");
  error(at, "Encountered unknown tag '" + tag + "'.");
}


NodePtr Parser::parse_if(const Token& at) {
  auto n = make(NodeKind::kIf, at);
  n->kids.push_back(parse_tuple(false));
  expect_block_end();
  std::string end;
  n->kids.push_back(parse_body({"elif", "else", "endif"}, &end));
  if (end == "elif") {
    n->kids.push_back(parse_if(peek()));
    return n;
  }
  if (end == "else") {
    expect_block_end();
    n->kids.push_back(parse_body({"endif"}, &end));
  } else {
    n->kids.push_back(nullptr);
  }
  expect_block_end();
  return n;
}

std::vector<std::string> Parser::parse_targets(bool* is_tuple) {
  std::vector<std::string> names;
  bool paren = skip_op("(");
  *is_tuple = paren;
  while (true) {
    names.push_back(expect_name());
    if (!skip_op(",")) break;
    *is_tuple = true;
    if (peek().type != Tok::kName) break;
  }
  if (paren) expect_op(")");
  return names;
}

NodePtr Parser::parse_for(const Token& at) {
  auto n = make(NodeKind::kFor, at);
  bool tuple = false;
  n->names = parse_targets(&tuple);
  n->flag = tuple;
  if (!skip_name("in")) error(peek(), "expected 'in', got '" + describe(peek()) + "'");
  n->kids.push_back(parse_tuple(false));
  n->kids.push_back(skip_name("if") ? parse_expression() : nullptr);
  if (is_name("recursive")) error(peek(), "recursive for loops are not supported");
  expect_block_end();
  std::string end;
  n->kids.push_back(parse_body({"endfor", "else"}, &end));
  if (end == "else") {
    expect_block_end();
    n->kids.push_back(parse_body({"endfor"}, &end));
  } else {
    n->kids.push_back(nullptr);
  }
  expect_block_end();
  return n;
}

NodePtr Parser::parse_set(const Token& at) {
  auto n = make(NodeKind::kSet, at);
  if (peek().type == Tok::kName && is_op(".", 1)) {
    n->str = next().text;
    next();
    n->str2 = expect_name();
  } else {
    bool tuple = false;
    n->names = parse_targets(&tuple);
    if (tuple && n->names.size() == 1) n->flag = false;
  }
  if (skip_op("=")) {
    n->kids.push_back(parse_tuple());
    expect_block_end();
    return n;
  }
  if (!n->str.empty() || n->names.size() != 1) error(peek(), "expected '='");
  if (is_op("|")) error(peek(), "filtered block set is not supported");
  expect_block_end();
  n->flag = true;
  std::string end;
  n->kids.push_back(parse_body({"endset"}, &end));
  expect_block_end();
  return n;
}

NodePtr Parser::parse_macro(const Token& at) {
  auto n = make(NodeKind::kMacro, at);
  n->str = expect_name();
  expect_op("(");
  while (!is_op(")")) {
    if (!n->names.empty()) expect_op(",");
    if (is_op(")")) break;
    n->names.push_back(expect_name());
    n->args.push_back(skip_op("=") ? parse_expression() : nullptr);
  }
  expect_op(")");
  expect_block_end();
  std::string end;
  n->kids.push_back(parse_body({"endmacro"}, &end));
  expect_block_end();
  return n;
}

NodePtr Parser::parse_call_block(const Token& at) {
  auto n = make(NodeKind::kCallBlock, at);
  if (skip_op("(")) {
    while (!is_op(")")) {
      if (!n->names.empty()) expect_op(",");
      n->names.push_back(expect_name());
      if (is_op("=")) error(peek(), "caller parameters with defaults are not supported");
    }
    expect_op(")");
  }
  NodePtr call = parse_expression();
  if (call->kind != NodeKind::kCall) error(at, "expected call");
  n->kids.push_back(call);
  expect_block_end();
  std::string end;
  n->kids.push_back(parse_body({"endcall"}, &end));
  expect_block_end();
  return n;
}

NodePtr Parser::parse_filter_block(const Token& at) {
  auto n = make(NodeKind::kFilterBlock, at);
  NodePtr chain = parse_filter(nullptr);
  while (skip_op("|")) chain = parse_filter(chain);
  n->kids.push_back(chain);
  expect_block_end();
  std::string end;
  n->kids.push_back(parse_body({"endfilter"}, &end));
  expect_block_end();
  return n;
}

NodePtr Parser::parse_root() {
  std::string end;
  NodePtr root = parse_body({}, &end);
  if (peek().type != Tok::kEof) error(peek(), "unexpected '" + describe(peek()) + "'");
  return root;
}

// jinja2's compiler rejects unknown filters/tests unless they sit directly in an if or a
// conditional expression ("soft" frames), where the failure is deferred to run time.
static void check_names(const Node* n, bool soft, const std::string& name, int depth) {
  if (!n) return;
  if (depth > 4 * kMaxNesting)
    throw Error(ErrorCode::kFormat, name + ":" + std::to_string(n->line) + ":" + std::to_string(n->col) +
                                        ": expression nesting too deep");
  bool child_soft = soft;
  switch (n->kind) {
    case NodeKind::kIf:
    case NodeKind::kCondExpr: child_soft = true; break;
    case NodeKind::kFor:
    case NodeKind::kMacro:
    case NodeKind::kCallBlock:
    case NodeKind::kFilterBlock: child_soft = false; break;
    case NodeKind::kSet: child_soft = n->flag ? false : soft; break;
    case NodeKind::kFilter:
    case NodeKind::kTest: {
      bool known = n->kind == NodeKind::kFilter ? has_filter(n->str) : has_test(n->str);
      if (!known && !soft)
        throw Error(ErrorCode::kFormat, name + ":" + std::to_string(n->line) + ":" + std::to_string(n->col) +
                                            ": No " + (n->kind == NodeKind::kFilter ? "filter" : "test") +
                                            " named '" + n->str + "'.");
      break;
    }
    default: break;
  }
  for (const auto& k : n->kids) check_names(k.get(), child_soft, name, depth + 1);
  for (const auto& k : n->args) check_names(k.get(), child_soft, name, depth + 1);
}

NodePtr parse_template(std::string_view source, const std::string& name) {
  Parser p(lex_template(source, name), name);
  NodePtr root = p.parse_root();
  check_names(root.get(), false, name, 0);
  return root;
}

}  // namespace loka::tmpl

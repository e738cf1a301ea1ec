// Splits a Jinja template into text and tag tokens, applying jinja2's whitespace rules
// (trim_blocks, lstrip_blocks, "-"/"+" markers) the way transformers configures them.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace loka::tmpl {

enum class Tok { kText, kVarBegin, kVarEnd, kBlockBegin, kBlockEnd, kName, kString, kInt, kFloat, kOp, kEof };

struct Token {
  Tok type;
  std::string text;  // text, name, decoded string literal, number spelling or operator
  int line = 1;
  int col = 1;
};

/// Throws RuntimeFail-free loka::Error(kFormat, "<name>:<line>:<col>: ...") on lexical errors.
std::vector<Token> lex_template(std::string_view src, const std::string& name);

}  // namespace loka::tmpl

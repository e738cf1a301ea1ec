// Parses template tokens into a syntax tree (jinja2's grammar, the subset chat templates use).
#pragma once

#include <string>
#include <string_view>

#include "template/ast.h"

namespace loka::tmpl {

/// Throws loka::Error(kFormat, "<name>:<line>:<col>: <what>") on syntax errors and unsupported constructs.
NodePtr parse_template(std::string_view source, const std::string& name);

/// Builtin filter / is-test names (the parser rejects unknown ones like jinja2's compiler).
bool has_filter(const std::string& name);
bool has_test(const std::string& name);

}  // namespace loka::tmpl

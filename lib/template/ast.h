// Syntax tree of a parsed template: one node type for expressions and statements.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "template/value.h"

namespace loka::tmpl {

enum class NodeKind {
  // expressions
  kLiteral,     // value
  kName,        // str
  kList,        // kids
  kTuple,       // kids
  kDict,        // kids: key, value, key, value...
  kGetAttr,     // kids[0].str
  kGetItem,     // kids[0][kids[1]]
  kSlice,       // kids[0][a:b:c], kids[1..3] may be null
  kCall,        // kids[0](args)
  kFilter,      // str=name; kids[0]=input (null inside {% filter %}); args
  kTest,        // str=name; kids[0]=input; args; negated
  kUnary,       // str=op ("-", "+", "not"); kids[0]
  kBinary,      // str=op; kids[0], kids[1]  (arithmetic, comparison, in, not in, ~)
  kAnd,
  kOr,
  kCondExpr,    // kids: then, cond, else (else may be null)
  // statements
  kBlock,       // kids: statements
  kText,        // str
  kOutput,      // kids[0]
  kIf,          // kids: cond, then-block, else-block (null if none)
  kFor,         // names = targets; kids: iter, filter (nullable), body, else (nullable)
  kSet,         // names = targets (or str=ns, str2=attr); kids[0]: value; or block body when is_block
  kMacro,       // str=name; names=params; args=defaults (null entries); kids[0]=body
  kCallBlock,   // kids[0]=call expr, kids[1]=body; names = caller params
  kFilterBlock, // kids[0]=filter chain (innermost input null), kids[1]=body
  kBreak,
  kContinue,
};

struct Node;
using NodePtr = std::shared_ptr<const Node>;

struct Node {
  NodeKind kind;
  int line = 0;
  int col = 0;
  std::string str;
  std::string str2;
  Value value;
  std::vector<NodePtr> kids;
  std::vector<std::string> names;
  std::vector<NodePtr> args;           // call/filter/test arguments, macro defaults
  std::vector<std::string> arg_names;  // "" for positional
  bool flag = false;                   // kTest: negated; kSet: block form; kFor: target was a tuple
};

}  // namespace loka::tmpl

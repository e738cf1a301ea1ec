// Chat templates: renders Hugging Face Jinja chat templates exactly like transformers' apply_chat_template.
#include "template/chat_template.h"

#include <nlohmann/json.hpp>

#include "core/error.h"
#include "template/interp.h"
#include "template/parser.h"

namespace loka {

struct ChatTemplate::Impl {
  std::string name;
  tmpl::NodePtr root;
};

ChatTemplate ChatTemplate::parse(std::string_view source, const std::string& name) {
  auto impl = std::make_shared<Impl>();
  impl->name = name;
  impl->root = tmpl::parse_template(source, name);
  ChatTemplate t;
  t.impl_ = std::move(impl);
  return t;
}

const std::string& ChatTemplate::name() const { return impl_->name; }

template <typename Json>
static std::shared_ptr<tmpl::Scope> scope_from(const Json& variables, const std::string& name) {
  LOKA_CHECK(variables.is_object(), ErrorCode::kInvalidArgument, name + ": template variables must be a JSON object");
  auto vars = std::make_shared<tmpl::Scope>();
  for (auto it = variables.begin(); it != variables.end(); ++it)
    vars->vars[it.key()] = tmpl::Value::from_json(it.value());
  return vars;
}

std::string ChatTemplate::render(const nlohmann::json& variables, const RenderOptions& options) const {
  LOKA_CHECK(impl_, ErrorCode::kInvalidArgument, "ChatTemplate::render on an empty template");
  return render_scope(scope_from(variables, impl_->name), options);
}

std::string ChatTemplate::render(const nlohmann::ordered_json& variables, const RenderOptions& options) const {
  LOKA_CHECK(impl_, ErrorCode::kInvalidArgument, "ChatTemplate::render on an empty template");
  return render_scope(scope_from(variables, impl_->name), options);
}

std::string ChatTemplate::render_scope(std::shared_ptr<tmpl::Scope> vars, const RenderOptions& options) const {
  tmpl::Limits limits;
  limits.max_output_bytes = options.max_output_bytes;
  tmpl::Interp interp(impl_->name, limits, options.now);
  try {
    return interp.render(*impl_->root, vars);
  } catch (const tmpl::RaisedByTemplate& e) {
    throw Error(ErrorCode::kInvalidArgument, impl_->name + ": " + e.message);
  } catch (const tmpl::RuntimeFail& e) {
    throw Error(ErrorCode::kInvalidArgument, impl_->name + ": " + e.message);
  }
}

}  // namespace loka

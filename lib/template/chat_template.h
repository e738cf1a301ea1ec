// Chat templates: renders Hugging Face Jinja chat templates exactly like transformers' apply_chat_template.
#pragma once

#include <ctime>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace loka {
namespace tmpl {
struct Scope;
}

struct RenderOptions {
  /// Fixed local time for strftime_now(); unset means the current local time.
  std::optional<std::tm> now;
  /// Output (and any intermediate string) larger than this fails with kInvalidArgument.
  size_t max_output_bytes = 64u << 20;
};

/// A parsed chat template. Cheap to copy (the syntax tree is shared and immutable);
/// render() is const and safe to call from several threads at once.
class ChatTemplate {
 public:
  /// Parses once; throws Error(kFormat) naming `name`, line and column on a syntax error
  /// or an unsupported construct.
  static ChatTemplate parse(std::string_view source, const std::string& name);

  /// Renders with `variables` (a JSON object: messages, tools, add_generation_prompt,
  /// bos_token, eos_token, ...). raise_exception(msg) in the template throws
  /// Error(kInvalidArgument, "<name>: <msg>"); other evaluation failures throw
  /// Error(kInvalidArgument, "<name>:<line>:<col>: <what>").
  std::string render(const nlohmann::json& variables, const RenderOptions& options = {}) const;
  /// Same, keeping the key order of JSON objects (nlohmann::json sorts keys; Python dicts,
  /// and so tojson and dict iteration in transformers, keep insertion order).
  std::string render(const nlohmann::ordered_json& variables, const RenderOptions& options = {}) const;

  const std::string& name() const;

 private:
  std::string render_scope(std::shared_ptr<tmpl::Scope> vars, const RenderOptions& options) const;
  struct Impl;
  std::shared_ptr<const Impl> impl_;
};

}  // namespace loka

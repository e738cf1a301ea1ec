// Turns a conversation (messages, tools, variables) into a model's prompt text through its chat template.
#include "runtime/chat_prompt.h"

#include "core/error.h"
#include "formats/json_util.h"

namespace loka {
namespace {

void check_messages(const nlohmann::ordered_json& messages, const std::string& source_name) {
  LOKA_CHECK(messages.is_array(), ErrorCode::kInvalidArgument,
             source_name + ": \"messages\" must be an array");
  for (size_t i = 0; i < messages.size(); ++i) {
    const std::string where = source_name + ": messages[" + std::to_string(i) + "]";
    const auto& m = messages[i];
    LOKA_CHECK(m.is_object(), ErrorCode::kInvalidArgument, where + " is not an object");
    LOKA_CHECK(m.contains("role") && m["role"].is_string(), ErrorCode::kInvalidArgument,
               where + ".role is missing or not a string");
  }
}

}  // namespace

ChatRequest parse_chat_request(std::string_view json_text, const std::string& source_name) {
  nlohmann::ordered_json doc = parse_ordered_json_strict(json_text, source_name);
  ChatRequest request;
  if (doc.is_array()) {
    request.messages = std::move(doc);
  } else {
    LOKA_CHECK(doc.is_object() && doc.contains("messages"), ErrorCode::kInvalidArgument,
               source_name + ": expected an array of messages or an object with \"messages\"");
    for (auto& [key, value] : doc.items()) {
      if (key == "messages") {
        request.messages = value;
      } else if (key == "tools") {
        request.tools = value;
      } else if (key == "add_generation_prompt") {
        LOKA_CHECK(value.is_boolean(), ErrorCode::kInvalidArgument,
                   source_name + ": \"add_generation_prompt\" must be true or false");
        request.add_generation_prompt = value.get<bool>();
      } else {
        request.variables[key] = value;
      }
    }
  }
  check_messages(request.messages, source_name);
  LOKA_CHECK(request.tools.is_null() || request.tools.is_array(), ErrorCode::kInvalidArgument,
             source_name + ": \"tools\" must be an array");
  return request;
}

std::string render_chat_prompt(const ChatTemplate& tmpl, const ChatRequest& request,
                               const ChatTokens& tokens, const RenderOptions& options) {
  nlohmann::ordered_json vars = request.variables;
  // As transformers' apply_chat_template: tools and documents are always defined (None
  // when absent), then add_generation_prompt, then the special tokens.
  vars["messages"] = request.messages;
  vars["tools"] = request.tools;
  if (!vars.contains("documents")) vars["documents"] = nullptr;
  vars["add_generation_prompt"] = request.add_generation_prompt;
  // Like transformers' special_tokens_map: a token the model does not have stays undefined.
  if (!tokens.bos.empty()) vars["bos_token"] = tokens.bos;
  if (!tokens.eos.empty()) vars["eos_token"] = tokens.eos;
  return tmpl.render(vars, options);
}

}  // namespace loka

// Turns a conversation (messages, tools, variables) into a model's prompt text through its chat template.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "template/chat_template.h"

namespace loka {

/// What apply_chat_template receives in Hugging Face transformers.
struct ChatRequest {
  nlohmann::ordered_json messages = nlohmann::ordered_json::array();  // [{"role": ..., "content": ...}, ...]
  nlohmann::ordered_json tools;                                // null when the request has none
  bool add_generation_prompt = false;
  nlohmann::ordered_json variables = nlohmann::ordered_json::object(); // extra template variables (e.g. enable_thinking)
};

/// Parses a request: either a JSON array of messages, or an object with
/// "messages", optional "tools" and "add_generation_prompt"; its other keys
/// become template variables. Throws Error(kInvalidArgument) naming `source_name`
/// and the offending field (a message that is not an object, a role that is not a string, ...).
ChatRequest parse_chat_request(std::string_view json_text, const std::string& source_name);

/// The special-token texts a template may print; "" = the model has none (left undefined).
struct ChatTokens {
  std::string bos;
  std::string eos;
};

/// Renders `request` with `tmpl` the way transformers' apply_chat_template does.
std::string render_chat_prompt(const ChatTemplate& tmpl, const ChatRequest& request,
                               const ChatTokens& tokens, const RenderOptions& options = {});

}  // namespace loka

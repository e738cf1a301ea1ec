// Glue between the public C++ API (include/loka) and the internals: error translation, conversions.
#pragma once

#include <new>

#include "core/error.h"
#include "loka/loka.hpp"
#include "models/model.h"
#include "runtime/chat_prompt.h"
#include "runtime/generator.h"

namespace loka::api {

struct Model::Impl {
  std::shared_ptr<loka::Model> model;
  ModelInfo info;
};

/// Runs `f`, turning internal errors into api::Error with the same code and message.
template <class F>
auto translate_errors(F&& f) -> decltype(f()) {
  try {
    return f();
  } catch (const loka::Error& e) {
    throw Error(static_cast<ErrorCode>(e.code()), e.what());
  } catch (const std::bad_alloc&) {
    throw Error(ErrorCode::kOutOfMemory, "out of memory");
  }
}

ChatRequest to_chat_request(const std::vector<ChatMessage>& messages, bool add_generation_prompt);

}  // namespace loka::api

// The C ABI's opaque handles: what a loka_model and a loka_session hold.
#pragma once

#include <vector>

#include "firewall.h"

struct loka_model {
  loka::api::Model model;
};

struct loka_session {
  loka::api::Session session;
};

namespace loka::capi {
std::vector<api::ChatMessage> read_messages(const loka_chat_message* messages, size_t count,
                                            const char* function);
}

// Token table.
#include "tokenizer/vocab.h"

#include <cstdio>

namespace loka::tok {

bool Vocab::add(int32_t id, std::string piece, TokenAttr attr, float score) {
  if (static_cast<size_t>(id) >= pieces.size()) {
    pieces.resize(id + 1);
    attrs.resize(id + 1, TokenAttr::kUnused);
    scores.resize(id + 1, 0.0f);
  }
  if (!index.emplace(piece, id).second) return false;
  pieces[id] = std::move(piece);
  attrs[id] = attr;
  scores[id] = score;
  return true;
}

void Vocab::index_byte_tokens() {
  byte_tokens.fill(-1);
  char buf[8];
  for (int b = 0; b < 256; ++b) {
    std::snprintf(buf, sizeof buf, "<0x%02X>", b);
    if (auto id = find(buf)) byte_tokens[b] = *id;
  }
}

}  // namespace loka::tok

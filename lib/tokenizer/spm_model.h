// SentencePiece-style score merging for GGUF "llama" vocabularies (as llama.cpp's SPM tokenizer).
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "tokenizer/vocab.h"

namespace loka::tok {

/// Tokenizes `text` (spaces already escaped to U+2581): merges the adjacent pair whose
/// token has the highest score first (leftmost on ties), then splits pieces that are not
/// tokens back along their merge history, and finally into <0xNN> byte tokens.
void spm_encode(const Vocab& vocab, std::string_view text, std::vector<int32_t>& out);

}  // namespace loka::tok

// Internal state of a loaded Tokenizer, shared by the GGUF and tokenizer.json loaders.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "tokenizer/added_tokens.h"
#include "tokenizer/bpe_model.h"
#include "tokenizer/pre_tokenizer.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/vocab.h"

namespace loka {

struct TokenizerImpl {
  std::string source;  // file name, for messages
  tok::Vocab vocab;
  enum class Model { kBpe, kSpm } model = Model::kBpe;
  tok::BpeModel bpe;
  tok::Normalizer normalizer;
  tok::PreTokenizer pre;
  tok::AddedTokenMatcher added;
  bool spm_add_space_prefix = false;  // GGUF "llama": " " before text at the start/after a token

  // Decoding: the bytes each id contributes, precomputed; leading spaces stripped from
  // the start of the output (Llama 2 Strip decoder, Metaspace prepend).
  std::vector<std::string> token_bytes;
  std::vector<uint8_t> special;  // 1: dropped by skip_special
  size_t decode_strip_left = 0;

  std::optional<int32_t> bos;
  std::vector<int32_t> eos;
  std::vector<int32_t> prefix_ids, suffix_ids;  // added by EncodeOptions::add_special
  std::string chat_template;

  void encode(std::string_view text, const EncodeOptions& opts, std::vector<int32_t>& out) const;
  /// Checks the ids and appends their raw bytes (before lossy UTF-8 conversion).
  void decode_bytes(std::span<const int32_t> ids, bool skip_special, size_t first_position,
                    std::string& out) const;
  /// After loading: fills `special` defaults and checks the bos/eos ids.
  void finish();
};

}  // namespace loka

// Public tokenizer API: text <-> token ids for GGUF vocabularies and Hugging Face tokenizer.json.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace loka {

class GgufFile;
struct TokenizerImpl;

struct EncodeOptions {
  bool add_special = false;   ///< add BOS/EOS as the model config says
  bool parse_special = true;  ///< match added/special tokens in the text
};

struct DecodeOptions {
  bool skip_special = false;  ///< drop special (control) tokens from the output
};

/// A loaded tokenizer. Immutable after load; encode/decode are const and thread-safe.
/// Copies are cheap and share the loaded tables.
class Tokenizer {
 public:
  /// A directory -> Hugging Face folder (tokenizer.json [+ tokenizer_config.json]);
  /// *.gguf -> GGUF; a tokenizer.json path -> json (+ sibling tokenizer_config.json).
  static Tokenizer open(const std::string& source);
  static Tokenizer from_gguf(const GgufFile& file);
  /// `tokenizer_config_json` may be empty. `source_name` is used in error messages.
  static Tokenizer from_hf_json(std::string_view tokenizer_json,
                                std::string_view tokenizer_config_json,
                                const std::string& source_name);

  /// Invalid UTF-8 -> Error(kInvalidArgument) naming the byte offset.
  std::vector<int32_t> encode(std::string_view text, const EncodeOptions& opts = {}) const;
  /// Unknown id -> Error(kInvalidArgument) naming the id and its position.
  std::string decode(std::span<const int32_t> ids, const DecodeOptions& opts = {}) const;

  int32_t vocab_size() const;
  /// The token's piece as stored in the vocabulary (e.g. "Ġhello", "▁the", "<0x0A>").
  std::string_view token_text(int32_t id) const;
  bool is_special(int32_t id) const;  ///< control/special tokens (skipped by skip_special)

  std::optional<int32_t> bos_id() const;
  std::vector<int32_t> eos_ids() const;
  bool add_bos() const;
  bool add_eos() const;
  std::string bos_token() const;  ///< text of the BOS token, "" if none
  std::string eos_token() const;  ///< text of the EOS token, "" if none
  /// GGUF tokenizer.chat_template or tokenizer_config.json chat_template ("" if none;
  /// for a list of named templates, the one named "default").
  const std::string& chat_template() const;

  const TokenizerImpl& impl() const { return *impl_; }

 private:
  explicit Tokenizer(std::shared_ptr<const TokenizerImpl> impl) : impl_(std::move(impl)) {}
  std::shared_ptr<const TokenizerImpl> impl_;
};

/// Incremental detokenizer: push ids one by one; returns only complete UTF-8 (never a
/// sequence broken at a token boundary). Concatenating every push() and flush() gives
/// Tokenizer::decode of all ids.
class StreamDecoder {
 public:
  explicit StreamDecoder(const Tokenizer& tok, DecodeOptions opts = {});
  std::string push(int32_t id);
  std::string flush();

 private:
  Tokenizer tok_;
  DecodeOptions opts_;
  std::string pending_;  // raw bytes not yet emitted (an incomplete UTF-8 tail)
  size_t count_ = 0;         // ids pushed so far (for error messages)
  size_t strip_budget_ = 0;  // leading spaces still to drop (as decode() strips them)
};

}  // namespace loka

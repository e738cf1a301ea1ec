// Parsing of tokenizer.json parts: normalizer, pre_tokenizer, decoder.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

#include "tokenizer/pre_tokenizer.h"

namespace loka::tok {

/// A JSON reader that names the file and the path on every error (kFormat).
struct JsonCtx {
  const std::string& source;
  [[noreturn]] void fail(const std::string& path, const std::string& what) const;
  const nlohmann::json& at(const nlohmann::json& obj, const std::string& key, const std::string& path) const;
  std::string str(const nlohmann::json& obj, const std::string& key, const std::string& path) const;
  bool flag(const nlohmann::json& obj, const std::string& key, bool fallback, const std::string& path) const;
  const nlohmann::json& array(const nlohmann::json& obj, const std::string& key, const std::string& path) const;
};

void parse_normalizer(const JsonCtx& c, const nlohmann::json& j, const std::string& path, Normalizer& out);
void parse_pre_tokenizer(const JsonCtx& c, const nlohmann::json& j, const std::string& path, PreTokenizer& out);

/// How decoding turns one token's text into bytes (applied per token, in order).
struct DecoderSpec {
  bool byte_level = false;
  bool byte_fallback = false;
  std::vector<std::pair<std::string, std::string>> replace;  // literal from -> to
  size_t strip_left = 0;  // leading spaces removed from the whole output
};
void parse_decoder(const JsonCtx& c, const nlohmann::json& j, const std::string& path, DecoderSpec& out);

}  // namespace loka::tok

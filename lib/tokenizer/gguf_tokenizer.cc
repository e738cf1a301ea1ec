// Tokenizer::from_gguf: tokenizer.ggml.* metadata -> vocab, merges, pre-tokenizer, specials.
#include <algorithm>
#include <cctype>

#include "core/error.h"
#include "formats/gguf_file.h"
#include "tokenizer/llama_pre_table.h"
#include "tokenizer/text_util.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/tokenizer_impl.h"

namespace loka {

namespace {

using tok::TokenAttr;

// llama.cpp's token types (llama_token_type).
TokenAttr attr_from_type(int64_t t) {
  switch (t) {
    case 1: return TokenAttr::kNormal;
    case 2: return TokenAttr::kUnknown;
    case 3: return TokenAttr::kControl;
    case 4: return TokenAttr::kUserDefined;
    case 5: return TokenAttr::kUnused;
    case 6: return TokenAttr::kByte;
    default: return TokenAttr::kUnused;  // undefined
  }
}

std::optional<int32_t> optional_id(const GgufFile& f, std::string_view key, int32_t n) {
  const auto v = f.find(key);
  if (!v) return std::nullopt;
  const int64_t id = v->as_int();
  if (id < 0 || id >= n) return std::nullopt;  // llama.cpp ignores out-of-range ids too
  return static_cast<int32_t>(id);
}

void load_merges(const GgufFile& f, TokenizerImpl& t) {
  const GgufValue merges = f.get_array("tokenizer.ggml.merges");
  const uint64_t n = merges.size();
  t.bpe.merges.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    const std::string_view m = merges.string_at(i);
    const size_t sp = m.find(' ', 1);
    LOKA_CHECK(sp != std::string_view::npos, ErrorCode::kFormat,
               f.path() + ": tokenizer.ggml.merges[" + std::to_string(i) + "] '" +
                   std::string(m) + "' has no space separating its two parts");
    const auto a = t.vocab.find(m.substr(0, sp));
    const auto b = t.vocab.find(m.substr(sp + 1));
    std::string joined(m.substr(0, sp));
    joined += m.substr(sp + 1);
    const auto c = t.vocab.find(joined);
    // Merges whose parts or result are not tokens can never produce a token: skip them.
    if (!a || !b || !c) continue;
    t.bpe.merges.emplace(tok::BpeModel::key(*a, *b),
                         tok::BpeModel::Merge{static_cast<int32_t>(i), *c});
  }
}

void setup_bpe(const GgufFile& f, TokenizerImpl& t, bool& add_bos) {
  const std::string pre(f.get_string("tokenizer.ggml.pre", ""));
  const tok::LlamaPreTokenizer* p = tok::find_llama_pre_tokenizer(pre);
  LOKA_CHECK(p, ErrorCode::kUnsupported,
             f.path() + ": unknown tokenizer.ggml.pre '" + pre + "' (no pre-tokenizer of that name)");
  load_merges(f, t);
  t.bpe.ignore_merges = p->ignore_merges;
  add_bos = p->add_bos;
  if (p->escape_spaces) {
    tok::NormStep s{tok::NormStep::Kind::kReplace, "\xE2\x96\x81", nullptr};
    s.regex = std::make_shared<tok::Regex>(" ", true, "GGUF pre-tokenizer");
    t.normalizer.steps.push_back(std::move(s));
  }
  for (const std::string& re : p->regexes) {
    tok::PreTokStep st;
    st.regex = std::make_shared<tok::Regex>(re, false, f.path() + ": tokenizer.ggml.pre '" + pre + "'");
    t.pre.steps.push_back(std::move(st));
  }
  t.pre.byte_level = p->byte_encode;
}

// llama.cpp's per-token piece for decoding (token_to_piece with special = true).
std::string piece_bytes(const TokenizerImpl& t, int32_t id, bool byte_level) {
  const std::string& s = t.vocab.pieces[id];
  switch (t.vocab.attrs[id]) {
    case TokenAttr::kByte:
      if (s.size() == 6 && s.starts_with("<0x")) {
        return std::string(1, static_cast<char>(std::stoi(s.substr(3, 2), nullptr, 16)));
      }
      return s;
    case TokenAttr::kNormal: {
      if (byte_level) {
        std::string out;
        if (tok::byte_level_map().decode(s, out)) return out;
        return s;
      }
      std::string out;
      for (size_t i = 0; i < s.size();) {
        if (s.compare(i, 3, "\xE2\x96\x81") == 0) {
          out.push_back(' ');
          i += 3;
        } else {
          out.push_back(s[i++]);
        }
      }
      return out;
    }
    default:
      return s;
  }
}

}  // namespace

Tokenizer Tokenizer::from_gguf(const GgufFile& f) {
  auto t = std::make_shared<TokenizerImpl>();
  t->source = f.path();
  const std::string model(f.get_string("tokenizer.ggml.model"));
  LOKA_CHECK(model == "llama" || model == "gpt2", ErrorCode::kUnsupported,
             f.path() + ": tokenizer.ggml.model '" + model + "' is not supported (llama, gpt2)");
  const GgufValue tokens = f.get_array("tokenizer.ggml.tokens");
  const uint64_t n = tokens.size();
  LOKA_CHECK(n > 0 && n < (1ull << 31), ErrorCode::kFormat,
             f.path() + ": tokenizer.ggml.tokens has " + std::to_string(n) + " entries");
  std::vector<int64_t> types;
  if (auto v = f.find("tokenizer.ggml.token_type")) {
    types = v->as_ints();
    LOKA_CHECK(types.size() == n, ErrorCode::kFormat,
               f.path() + ": tokenizer.ggml.token_type has " + std::to_string(types.size()) +
                   " entries but tokenizer.ggml.tokens has " + std::to_string(n));
  }
  std::vector<double> scores;
  if (auto v = f.find("tokenizer.ggml.scores")) {
    scores = v->as_floats();
    LOKA_CHECK(scores.size() == n, ErrorCode::kFormat,
               f.path() + ": tokenizer.ggml.scores has " + std::to_string(scores.size()) +
                   " entries but tokenizer.ggml.tokens has " + std::to_string(n));
  }
  t->vocab.pieces.reserve(n);
  t->vocab.index.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    std::string piece(tokens.string_at(i));
    const auto attr = types.empty() ? TokenAttr::kNormal : attr_from_type(types[i]);
    const auto id = static_cast<int32_t>(i);
    if (!t->vocab.add(id, piece, attr, scores.empty() ? 0.0f : static_cast<float>(scores[i]))) {
      throw Error(ErrorCode::kFormat, f.path() + ": tokenizer.ggml.tokens[" + std::to_string(i) +
                                          "] '" + piece + "' duplicates token " +
                                          std::to_string(*t->vocab.find(piece)));
    }
  }
  t->vocab.index_byte_tokens();
  const auto nt = static_cast<int32_t>(n);

  bool add_bos = false, add_eos = false;
  const bool spm = model == "llama";
  if (spm) {
    t->model = TokenizerImpl::Model::kSpm;
    t->spm_add_space_prefix = f.get_bool("tokenizer.ggml.add_space_prefix", true);
    t->decode_strip_left = t->spm_add_space_prefix ? 1 : 0;
    add_bos = true;
    t->bos = nt > 1 ? std::optional<int32_t>(1) : std::nullopt;
    if (nt > 2) t->eos.push_back(2);
  } else {
    setup_bpe(f, *t, add_bos);
  }
  if (auto id = optional_id(f, "tokenizer.ggml.bos_token_id", nt)) t->bos = id;
  if (auto id = optional_id(f, "tokenizer.ggml.eos_token_id", nt)) t->eos = {*id};
  for (const char* key : {"tokenizer.ggml.eot_token_id", "tokenizer.ggml.eom_token_id"}) {
    if (auto id = optional_id(f, key, nt)) {
      if (std::find(t->eos.begin(), t->eos.end(), *id) == t->eos.end()) t->eos.push_back(*id);
    }
  }
  add_bos = f.get_bool("tokenizer.ggml.add_bos_token", add_bos);
  add_eos = f.get_bool("tokenizer.ggml.add_eos_token", add_eos);
  if (add_bos && t->bos) t->prefix_ids = {*t->bos};
  if (add_eos && !t->eos.empty()) t->suffix_ids = {t->eos.front()};
  t->chat_template = std::string(f.get_string("tokenizer.chat_template", ""));

  // Control, user-defined and unknown tokens are matched in the text before the model runs,
  // longest first; phi-3 strips the spaces after most of them (llama.cpp's per-model rule).
  std::string name(f.get_string("general.name", ""));
  std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) { return std::tolower(c); });
  const bool phi3 = name.find("phi-3") != std::string::npos || name.find("phi3") != std::string::npos;
  std::vector<tok::AddedToken> added;
  for (int32_t id = 0; id < nt; ++id) {
    const TokenAttr a = t->vocab.attrs[id];
    const std::string& s = t->vocab.pieces[id];
    if (a == TokenAttr::kControl || a == TokenAttr::kUserDefined || a == TokenAttr::kUnknown) {
      tok::AddedToken at;
      at.id = id;
      at.content = s;
      at.special = a != TokenAttr::kUserDefined;
      at.rstrip = phi3 && s != "<unk>" && s != "<s>" && s != "<|endoftext|>";
      added.push_back(std::move(at));
    }
  }
  t->added.build(std::move(added), tok::AddedTokenMatcher::Mode::kLongestFirst);

  t->finish();
  for (int32_t id = 0; id < nt; ++id) {
    const TokenAttr a = t->vocab.attrs[id];
    t->special[id] = a == TokenAttr::kControl || a == TokenAttr::kUnknown;
    t->token_bytes[id] = piece_bytes(*t, id, !spm && t->pre.byte_level);
  }
  return Tokenizer(std::move(t));
}

}  // namespace loka

// Tokenizer::from_hf_json: tokenizer.json (BPE model, added tokens, post-processor) and
// tokenizer_config.json (bos/eos, add_bos/add_eos, chat template).
#include <cctype>

#include "core/error.h"
#include "formats/json_util.h"
#include "tokenizer/hf_components.h"
#include "tokenizer/text_util.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/tokenizer_impl.h"

namespace loka {

namespace {

using nlohmann::json;
using tok::JsonCtx;
using tok::TokenAttr;

void parse_vocab(const JsonCtx& c, const json& model, TokenizerImpl& t) {
  const json& vocab = c.at(model, "vocab", "/model");
  if (!vocab.is_object()) c.fail("/model/vocab", std::string("expected an object, got ") + json_type_name(vocab));
  int64_t max_id = -1;
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    if (!it->is_number_integer()) c.fail("/model/vocab/" + it.key(), "token id is not an integer");
    const int64_t id = it->get<int64_t>();
    if (id < 0 || id >= (1 << 30)) c.fail("/model/vocab/" + it.key(), "token id " + std::to_string(id) + " is out of range");
    max_id = std::max(max_id, id);
  }
  t.vocab.pieces.resize(max_id + 1);
  t.vocab.attrs.resize(max_id + 1, TokenAttr::kUnused);
  t.vocab.scores.resize(max_id + 1, 0.0f);
  t.vocab.index.reserve(vocab.size());
  for (auto it = vocab.begin(); it != vocab.end(); ++it) {
    const auto id = it->get<int32_t>();
    if (t.vocab.attrs[id] != TokenAttr::kUnused)
      c.fail("/model/vocab/" + it.key(), "token id " + std::to_string(id) + " is used twice");
    t.vocab.add(id, it.key(), TokenAttr::kNormal, 0.0f);
  }
}

void parse_merges(const JsonCtx& c, const json& model, TokenizerImpl& t) {
  const json& merges = c.array(model, "merges", "/model");
  t.bpe.merges.reserve(merges.size());
  for (size_t i = 0; i < merges.size(); ++i) {
    const std::string path = "/model/merges/" + std::to_string(i);
    const json& m = merges[i];
    std::string a, b;
    if (m.is_string()) {
      const std::string s = m.get<std::string>();
      const size_t sp = s.find(' ', 1);
      if (sp == std::string::npos) c.fail(path, "merge '" + s + "' has no space");
      a = s.substr(0, sp);
      b = s.substr(sp + 1);
    } else if (m.is_array() && m.size() == 2 && m[0].is_string() && m[1].is_string()) {
      a = m[0].get<std::string>();
      b = m[1].get<std::string>();
    } else {
      c.fail(path, "a merge must be \"a b\" or [\"a\", \"b\"]");
    }
    const auto ia = t.vocab.find(a), ib = t.vocab.find(b), ic = t.vocab.find(a + b);
    if (!ia || !ib || !ic) {
      c.fail(path, "merge '" + a + " " + b + "' refers to a token not in the vocabulary ('" +
                       (!ia ? a : !ib ? b : a + b) + "')");
    }
    t.bpe.merges.emplace(tok::BpeModel::key(*ia, *ib),
                         tok::BpeModel::Merge{static_cast<int32_t>(i), *ic});
  }
}

void parse_model(const JsonCtx& c, const json& root, TokenizerImpl& t) {
  const json& model = c.at(root, "model", "/");
  const std::string type = model.contains("type") ? c.str(model, "type", "/model") : "BPE";
  LOKA_CHECK(type == "BPE", ErrorCode::kUnsupported,
             c.source + ": /model: model type '" + type + "' is not supported (BPE)");
  parse_vocab(c, model, t);
  parse_merges(c, model, t);
  for (const char* key : {"continuing_subword_prefix", "end_of_word_suffix"}) {
    auto it = model.find(key);
    if (it != model.end() && !it->is_null() && !(it->is_string() && it->get<std::string>().empty()))
      throw Error(ErrorCode::kUnsupported, c.source + ": /model/" + key + " is not supported");
  }
  auto drop = model.find("dropout");
  if (drop != model.end() && !drop->is_null() && !(drop->is_number() && drop->get<double>() == 0.0))
    throw Error(ErrorCode::kUnsupported, c.source + ": /model/dropout is not supported");
  t.bpe.ignore_merges = c.flag(model, "ignore_merges", false, "/model");
  t.bpe.byte_fallback = c.flag(model, "byte_fallback", false, "/model");
  t.bpe.fuse_unk = c.flag(model, "fuse_unk", false, "/model");
  auto unk = model.find("unk_token");
  if (unk != model.end() && !unk->is_null()) {
    const std::string s = c.str(model, "unk_token", "/model");
    t.bpe.unk_id = t.vocab.find(s);
    if (!t.bpe.unk_id) c.fail("/model/unk_token", "'" + s + "' is not in the vocabulary");
  }
}

void parse_added(const JsonCtx& c, const json& root, TokenizerImpl& t) {
  auto it = root.find("added_tokens");
  if (it == root.end() || it->is_null()) return;
  if (!it->is_array()) c.fail("/added_tokens", "expected an array");
  std::vector<tok::AddedToken> list;
  for (size_t i = 0; i < it->size(); ++i) {
    const std::string path = "/added_tokens/" + std::to_string(i);
    const json& a = (*it)[i];
    tok::AddedToken at;
    const json& id = c.at(a, "id", path);
    if (!id.is_number_integer() || id.get<int64_t>() < 0 || id.get<int64_t>() >= (1 << 30))
      c.fail(path + "/id", "expected a token id");
    at.id = id.get<int32_t>();
    at.content = c.str(a, "content", path);
    if (at.content.empty()) c.fail(path + "/content", "empty added token");
    at.lstrip = c.flag(a, "lstrip", false, path);
    at.rstrip = c.flag(a, "rstrip", false, path);
    at.single_word = c.flag(a, "single_word", false, path);
    at.special = c.flag(a, "special", false, path);
    at.normalized = c.flag(a, "normalized", !at.special, path);
    if (at.id >= t.vocab.size()) {
      t.vocab.pieces.resize(at.id + 1);
      t.vocab.attrs.resize(at.id + 1, TokenAttr::kUnused);
      t.vocab.scores.resize(at.id + 1, 0.0f);
    }
    t.vocab.pieces[at.id] = at.content;
    t.vocab.attrs[at.id] = at.special ? TokenAttr::kControl : TokenAttr::kUserDefined;
    t.vocab.index.emplace(at.content, at.id);
    list.push_back(std::move(at));
  }
  t.added.build(std::move(list), tok::AddedTokenMatcher::Mode::kLeftmostLongest);
}

// TemplateProcessing "single" / RobertaProcessing / BertProcessing -> ids around the text.
void parse_post(const JsonCtx& c, const json& j, const std::string& path, TokenizerImpl& t) {
  if (j.is_null()) return;
  const std::string type = c.str(j, "type", path);
  if (type == "Sequence") {
    const json& list = c.array(j, "processors", path);
    for (size_t i = 0; i < list.size(); ++i)
      parse_post(c, list[i], path + "/processors/" + std::to_string(i), t);
  } else if (type == "ByteLevel") {
  } else if (type == "TemplateProcessing") {
    const json& single = c.array(j, "single", path);
    const json& specials = c.at(j, "special_tokens", path);
    bool seen_seq = false;
    for (size_t i = 0; i < single.size(); ++i) {
      const std::string p = path + "/single/" + std::to_string(i);
      if (single[i].contains("Sequence")) {
        seen_seq = true;
        continue;
      }
      const std::string name = c.str(c.at(single[i], "SpecialToken", p), "id", p + "/SpecialToken");
      const json& ids = c.array(c.at(specials, name, path + "/special_tokens"), "ids", path + "/special_tokens/" + name);
      for (const json& id : ids) {
        if (!id.is_number_integer()) c.fail(path + "/special_tokens/" + name, "ids must be integers");
        (seen_seq ? t.suffix_ids : t.prefix_ids).push_back(id.get<int32_t>());
      }
    }
  } else if (type == "RobertaProcessing" || type == "BertProcessing") {
    for (const char* key : {"cls", "sep"}) {
      const json& v = c.at(j, key, path);
      if (!v.is_array() || v.size() != 2 || !v[1].is_number_integer()) c.fail(path + "/" + key, "expected [token, id]");
      (std::string(key) == "cls" ? t.prefix_ids : t.suffix_ids).push_back(v[1].get<int32_t>());
    }
  } else {
    throw Error(ErrorCode::kUnsupported, c.source + ": " + path + ": post_processor type '" + type + "' is not supported");
  }
}

// bos_token/eos_token: a string, an AddedToken dict, or null.
std::optional<std::string> config_token(const JsonCtx& c, const json& cfg, const char* key) {
  auto it = cfg.find(key);
  if (it == cfg.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) return it->get<std::string>();
  if (it->is_object()) return c.str(*it, "content", std::string("/") + key);
  c.fail(std::string("/") + key, "expected a string or an AddedToken object");
}

void parse_config(const std::string& source, std::string_view text, TokenizerImpl& t) {
  const std::string name = source + " (tokenizer_config.json)";
  const json cfg = parse_json_strict(text, name);
  const JsonCtx c{name};
  if (!cfg.is_object()) c.fail("/", "expected an object");
  auto lookup = [&](const std::string& s, const char* key) -> int32_t {
    auto id = t.vocab.find(s);
    if (!id) c.fail(std::string("/") + key, "token '" + s + "' is not in the vocabulary");
    return *id;
  };
  if (auto s = config_token(c, cfg, "bos_token")) t.bos = lookup(*s, "bos_token");
  if (auto s = config_token(c, cfg, "eos_token")) t.eos = {lookup(*s, "eos_token")};
  if (cfg.contains("add_bos_token") && !cfg["add_bos_token"].is_null()) {
    t.prefix_ids.clear();
    if (c.flag(cfg, "add_bos_token", false, "") && t.bos) t.prefix_ids.push_back(*t.bos);
  }
  if (cfg.contains("add_eos_token") && !cfg["add_eos_token"].is_null()) {
    t.suffix_ids.clear();
    if (c.flag(cfg, "add_eos_token", false, "") && !t.eos.empty()) t.suffix_ids.push_back(t.eos.front());
  }
  auto tmpl = cfg.find("chat_template");
  if (tmpl == cfg.end() || tmpl->is_null()) return;
  if (tmpl->is_string()) {
    t.chat_template = tmpl->get<std::string>();
  } else if (tmpl->is_array()) {
    for (const json& e : *tmpl) {
      if (c.str(e, "name", "/chat_template") == "default") t.chat_template = c.str(e, "template", "/chat_template");
    }
  } else {
    c.fail("/chat_template", "expected a string or a list of {name, template}");
  }
}

}  // namespace

Tokenizer Tokenizer::from_hf_json(std::string_view tokenizer_json, std::string_view config_json,
                                  const std::string& source_name) {
  auto t = std::make_shared<TokenizerImpl>();
  t->source = source_name;
  const json root = parse_json_strict(tokenizer_json, source_name);
  const JsonCtx c{source_name};
  if (!root.is_object()) c.fail("/", "expected an object");
  parse_model(c, root, *t);
  parse_added(c, root, *t);
  t->vocab.index_byte_tokens();
  const json null;
  tok::parse_normalizer(c, root.contains("normalizer") ? root["normalizer"] : null, "/normalizer", t->normalizer);
  tok::parse_pre_tokenizer(c, root.contains("pre_tokenizer") ? root["pre_tokenizer"] : null, "/pre_tokenizer", t->pre);
  tok::DecoderSpec dec;
  tok::parse_decoder(c, root.contains("decoder") ? root["decoder"] : null, "/decoder", dec);
  parse_post(c, root.contains("post_processor") ? root["post_processor"] : null, "/post_processor", *t);
  if (!config_json.empty()) parse_config(source_name, config_json, *t);
  t->decode_strip_left = dec.strip_left;
  t->finish();

  const auto n = t->vocab.size();
  for (int32_t id = 0; id < n; ++id) {
    const TokenAttr a = t->vocab.attrs[id];
    const std::string& s = t->vocab.pieces[id];
    t->special[id] = a == TokenAttr::kControl;
    std::string& out = t->token_bytes[id];
    if (a == TokenAttr::kControl || a == TokenAttr::kUserDefined || a == TokenAttr::kUnused) {
      out = s;  // added tokens decode to their content
      continue;
    }
    if (dec.byte_fallback && s.size() == 6 && s.starts_with("<0x") && s.ends_with(">") &&
        std::isxdigit(static_cast<unsigned char>(s[3])) && std::isxdigit(static_cast<unsigned char>(s[4]))) {
      out = std::string(1, static_cast<char>(std::stoi(s.substr(3, 2), nullptr, 16)));
      continue;
    }
    out = s;
    for (const auto& [from, to] : dec.replace) {
      if (from.empty()) continue;
      std::string r;
      for (size_t i = 0; i < out.size();) {
        if (out.compare(i, from.size(), from) == 0) {
          r += to;
          i += from.size();
        } else {
          r.push_back(out[i++]);
        }
      }
      out = std::move(r);
    }
    if (dec.byte_level) {
      std::string bytes;
      if (tok::byte_level_map().decode(out, bytes)) out = std::move(bytes);
    }
  }
  return Tokenizer(std::move(t));
}

}  // namespace loka

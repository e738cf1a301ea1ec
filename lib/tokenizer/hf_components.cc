// tokenizer.json normalizer / pre_tokenizer / decoder sections -> pipeline steps.
#include "tokenizer/hf_components.h"

#include "core/error.h"
#include "formats/json_util.h"

namespace loka::tok {

using nlohmann::json;

void JsonCtx::fail(const std::string& path, const std::string& what) const {
  throw Error(ErrorCode::kFormat, source + ": " + path + ": " + what);
}

const json& JsonCtx::at(const json& obj, const std::string& key, const std::string& path) const {
  if (!obj.is_object()) fail(path, std::string("expected an object, got ") + json_type_name(obj));
  auto it = obj.find(key);
  if (it == obj.end()) fail(path, "missing field '" + key + "'");
  return *it;
}

std::string JsonCtx::str(const json& obj, const std::string& key, const std::string& path) const {
  const json& v = at(obj, key, path);
  if (!v.is_string()) fail(path + "/" + key, std::string("expected a string, got ") + json_type_name(v));
  return v.get<std::string>();
}

bool JsonCtx::flag(const json& obj, const std::string& key, bool fallback, const std::string& path) const {
  auto it = obj.find(key);
  if (it == obj.end() || it->is_null()) return fallback;
  if (!it->is_boolean()) fail(path + "/" + key, std::string("expected a boolean, got ") + json_type_name(*it));
  return it->get<bool>();
}

const json& JsonCtx::array(const json& obj, const std::string& key, const std::string& path) const {
  const json& v = at(obj, key, path);
  if (!v.is_array()) fail(path + "/" + key, std::string("expected an array, got ") + json_type_name(v));
  return v;
}

namespace {

[[noreturn]] void unsupported(const JsonCtx& c, const std::string& path, const std::string& kind,
                              const std::string& type) {
  throw Error(ErrorCode::kUnsupported, c.source + ": " + path + ": " + kind + " type '" + type +
                                           "' is not supported");
}

// {"String": s} or {"Regex": r}
std::shared_ptr<const Regex> parse_pattern(const JsonCtx& c, const json& j, const std::string& path) {
  if (!j.is_object()) c.fail(path, "expected a pattern object {\"String\"|\"Regex\": ...}");
  if (j.contains("String")) return std::make_shared<Regex>(c.str(j, "String", path), true, c.source + ": " + path);
  if (j.contains("Regex")) return std::make_shared<Regex>(c.str(j, "Regex", path), false, c.source + ": " + path);
  c.fail(path, "pattern has neither 'String' nor 'Regex'");
}

SplitBehavior parse_behavior(const JsonCtx& c, const std::string& b, const std::string& path) {
  if (b == "Removed") return SplitBehavior::kRemoved;
  if (b == "Isolated") return SplitBehavior::kIsolated;
  if (b == "MergedWithPrevious") return SplitBehavior::kMergedWithPrevious;
  if (b == "MergedWithNext") return SplitBehavior::kMergedWithNext;
  if (b == "Contiguous") return SplitBehavior::kContiguous;
  c.fail(path, "unknown split behavior '" + b + "'");
}

// The prepend_scheme of Metaspace (newer files) or its legacy add_prefix_space.
PreTokStep::Prepend parse_prepend(const JsonCtx& c, const json& j, const std::string& path) {
  if (j.contains("prepend_scheme")) {
    const std::string s = c.str(j, "prepend_scheme", path);
    if (s == "always") return PreTokStep::Prepend::kAlways;
    if (s == "first") return PreTokStep::Prepend::kFirst;
    if (s == "never") return PreTokStep::Prepend::kNever;
    c.fail(path, "unknown prepend_scheme '" + s + "'");
  }
  return c.flag(j, "add_prefix_space", true, path) ? PreTokStep::Prepend::kAlways
                                                    : PreTokStep::Prepend::kNever;
}

const char* const kGpt2Regex =
    "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

}  // namespace

void parse_normalizer(const JsonCtx& c, const json& j, const std::string& path, Normalizer& out) {
  if (j.is_null()) return;
  const std::string type = c.str(j, "type", path);
  using K = NormStep::Kind;
  if (type == "Sequence") {
    const json& list = c.array(j, "normalizers", path);
    for (size_t i = 0; i < list.size(); ++i)
      parse_normalizer(c, list[i], path + "/normalizers/" + std::to_string(i), out);
  } else if (type == "NFC") {
    out.steps.push_back({K::kNfc});
  } else if (type == "NFD") {
    out.steps.push_back({K::kNfd});
  } else if (type == "NFKC") {
    out.steps.push_back({K::kNfkc});
  } else if (type == "NFKD") {
    out.steps.push_back({K::kNfkd});
  } else if (type == "Lowercase") {
    out.steps.push_back({K::kLowercase});
  } else if (type == "Prepend") {
    out.steps.push_back({K::kPrepend, c.str(j, "prepend", path)});
  } else if (type == "Replace") {
    NormStep s{K::kReplace, c.str(j, "content", path)};
    s.regex = parse_pattern(c, c.at(j, "pattern", path), path + "/pattern");
    out.steps.push_back(std::move(s));
  } else if (type == "Strip") {
    NormStep s{K::kStrip};
    s.left = c.flag(j, "strip_left", false, path);
    s.right = c.flag(j, "strip_right", false, path);
    out.steps.push_back(std::move(s));
  } else {
    unsupported(c, path, "normalizer", type);
  }
}

void parse_pre_tokenizer(const JsonCtx& c, const json& j, const std::string& path, PreTokenizer& out) {
  if (j.is_null()) return;
  const std::string type = c.str(j, "type", path);
  PreTokStep st;
  if (type == "Sequence") {
    const json& list = c.array(j, "pretokenizers", path);
    for (size_t i = 0; i < list.size(); ++i)
      parse_pre_tokenizer(c, list[i], path + "/pretokenizers/" + std::to_string(i), out);
    return;
  } else if (type == "Split") {
    st.regex = parse_pattern(c, c.at(j, "pattern", path), path + "/pattern");
    st.behavior = parse_behavior(c, c.str(j, "behavior", path), path);
    st.invert = c.flag(j, "invert", false, path);
  } else if (type == "ByteLevel") {
    st.kind = PreTokStep::Kind::kByteLevel;
    st.add_prefix_space = c.flag(j, "add_prefix_space", true, path);
    if (c.flag(j, "use_regex", true, path)) st.regex = std::make_shared<Regex>(kGpt2Regex, false, "ByteLevel");
    out.byte_level = true;
  } else if (type == "Digits") {
    st.regex = std::make_shared<Regex>("\\p{N}", false, "Digits");
    st.behavior = c.flag(j, "individual_digits", false, path) ? SplitBehavior::kIsolated
                                                              : SplitBehavior::kContiguous;
  } else if (type == "Metaspace") {
    st.kind = PreTokStep::Kind::kMetaspace;
    st.replacement = c.str(j, "replacement", path);
    st.prepend = parse_prepend(c, j, path);
    st.split = c.flag(j, "split", true, path);
  } else if (type == "Whitespace") {
    st.regex = std::make_shared<Regex>("\\w+|[^\\w\\s]+", false, "Whitespace");
    st.behavior = SplitBehavior::kRemoved;
    st.invert = true;
  } else if (type == "WhitespaceSplit") {
    st.regex = std::make_shared<Regex>("\\s+", false, "WhitespaceSplit");
    st.behavior = SplitBehavior::kRemoved;
  } else if (type == "Punctuation") {
    st.regex = std::make_shared<Regex>("\\p{P}", false, "Punctuation");
    st.behavior = j.contains("behavior") ? parse_behavior(c, c.str(j, "behavior", path), path)
                                         : SplitBehavior::kIsolated;
  } else {
    unsupported(c, path, "pre_tokenizer", type);
  }
  out.steps.push_back(std::move(st));
}

void parse_decoder(const JsonCtx& c, const json& j, const std::string& path, DecoderSpec& out) {
  if (j.is_null()) return;
  const std::string type = c.str(j, "type", path);
  if (type == "Sequence") {
    const json& list = c.array(j, "decoders", path);
    for (size_t i = 0; i < list.size(); ++i)
      parse_decoder(c, list[i], path + "/decoders/" + std::to_string(i), out);
  } else if (type == "ByteLevel") {
    out.byte_level = true;
  } else if (type == "ByteFallback") {
    out.byte_fallback = true;
  } else if (type == "Fuse") {
    // Concatenation is what decoding does anyway.
  } else if (type == "Replace") {
    const json& p = c.at(j, "pattern", path);
    if (!p.is_object() || !p.contains("String")) unsupported(c, path, "decoder Replace pattern", "Regex");
    out.replace.emplace_back(c.str(p, "String", path + "/pattern"), c.str(j, "content", path));
  } else if (type == "Strip") {
    const std::string content = c.str(j, "content", path);
    const json& start = c.at(j, "start", path);
    const json& stop = c.at(j, "stop", path);
    if (content != " " || !start.is_number_unsigned() || !stop.is_number_unsigned() || stop.get<uint64_t>() != 0)
      unsupported(c, path, "decoder", "Strip other than leading spaces");
    out.strip_left += start.get<size_t>();
  } else if (type == "Metaspace") {
    out.replace.emplace_back(c.str(j, "replacement", path), " ");
    if (parse_prepend(c, j, path) != PreTokStep::Prepend::kNever) out.strip_left += 1;
  } else {
    unsupported(c, path, "decoder", type);
  }
}

}  // namespace loka::tok

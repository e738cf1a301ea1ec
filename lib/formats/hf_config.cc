// HfConfig: typed extraction of config.json fields and the mapping to RopeParams.
#include "formats/hf_config.h"

#include <cmath>
#include <filesystem>
#include <limits>

#include "core/error.h"
#include "core/mapped_file.h"
#include "formats/json_util.h"

namespace loka {
namespace {

using nlohmann::json;

// Typed access to one JSON object; `where` prefixes every message.
class Fields {
 public:
  Fields(const json& j, std::string where) : j_(j), where_(std::move(where)) {}

  // Null when absent or JSON null.
  const json* get(const char* key) const {
    const auto it = j_.find(key);
    return it == j_.end() || it->is_null() ? nullptr : &*it;
  }
  [[noreturn]] void fail(const std::string& key, const std::string& msg) const {
    throw Error(ErrorCode::kFormat, where_ + ": '" + key + "' " + msg);
  }
  int64_t to_int(const json& v, const std::string& key) const {
    if (v.is_number_unsigned() &&
        v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      fail(key, "is too large");
    }
    if (!v.is_number_integer())
      fail(key, std::string("is JSON ") + json_type_name(v) + ", expected an integer");
    return v.get<int64_t>();
  }
  std::optional<int64_t> opt_int(const char* key) const {
    const json* v = get(key);
    return v ? std::optional(to_int(*v, key)) : std::nullopt;
  }
  int64_t positive_int(const char* key) const {
    const json* v = get(key);
    if (!v) fail(key, "is missing (required)");
    const int64_t x = to_int(*v, key);
    if (x <= 0) fail(key, "is " + std::to_string(x) + ", expected a positive integer");
    return x;
  }
  std::optional<double> opt_double(const char* key) const {
    const json* v = get(key);
    if (!v) return std::nullopt;
    if (!v->is_number())
      fail(key, std::string("is JSON ") + json_type_name(*v) + ", expected a number");
    return v->get<double>();
  }
  double require_double(const char* key) const {
    if (auto v = opt_double(key)) return *v;
    fail(key, "is missing (required here)");
  }
  std::optional<bool> opt_bool(const char* key) const {
    const json* v = get(key);
    if (!v) return std::nullopt;
    if (!v->is_boolean())
      fail(key, std::string("is JSON ") + json_type_name(*v) + ", expected true or false");
    return v->get<bool>();
  }
  std::optional<std::string> opt_string(const char* key) const {
    const json* v = get(key);
    if (!v) return std::nullopt;
    if (!v->is_string())
      fail(key, std::string("is JSON ") + json_type_name(*v) + ", expected a string");
    return v->get<std::string>();
  }
  const std::string& where() const { return where_; }

 private:
  const json& j_;
  std::string where_;
};

std::optional<RopeScalingConfig> parse_rope_scaling(const json& obj, const std::string& where) {
  if (!obj.is_object()) {
    throw Error(ErrorCode::kFormat,
                where + " is JSON " + json_type_name(obj) + ", expected an object");
  }
  const Fields f(obj, where);
  RopeScalingConfig r;
  if (auto t = f.opt_string("rope_type")) {
    r.type = *t;
  } else if (auto t2 = f.opt_string("type")) {
    r.type = *t2;
  } else {
    f.fail("rope_type", "is missing (and no legacy 'type')");
  }
  if (r.type == "default") return std::nullopt;
  const bool needs_factor =
      r.type == "linear" || r.type == "llama3" || r.type == "yarn" || r.type == "dynamic";
  if (needs_factor) {
    r.factor = f.require_double("factor");
  } else if (auto v = f.opt_double("factor")) {
    r.factor = *v;
  }
  if (!(r.factor > 0.0)) f.fail("factor", "must be positive");
  if (r.type == "llama3") {
    r.low_freq_factor = f.require_double("low_freq_factor");
    r.high_freq_factor = f.require_double("high_freq_factor");
    if (!f.opt_int("original_max_position_embeddings")) {
      f.fail("original_max_position_embeddings", "is missing (required for llama3)");
    }
  }
  r.original_max_position_embeddings = f.opt_int("original_max_position_embeddings");
  // transformers treats a 0/absent beta as its default (`get("beta_fast") or 32`).
  if (auto v = f.opt_double("beta_fast"); v && *v != 0.0) r.beta_fast = *v;
  if (auto v = f.opt_double("beta_slow"); v && *v != 0.0) r.beta_slow = *v;
  r.mscale = f.opt_double("mscale");
  r.mscale_all_dim = f.opt_double("mscale_all_dim");
  r.attention_factor = f.opt_double("attention_factor");
  if (auto v = f.opt_bool("truncate")) r.truncate = *v;
  return r;
}

// DeepSeek's yarn_get_mscale.
double yarn_mscale(double scale, double mscale) {
  return scale <= 1.0 ? 1.0 : 0.1 * mscale * std::log(scale) + 1.0;
}

}  // namespace

HfConfig HfConfig::parse(std::string_view json_text, const std::string& source) {
  return from_json(parse_json_strict(json_text, source), source);
}

HfConfig HfConfig::load(const std::string& path) {
  std::filesystem::path p(path);
  std::error_code ec;
  if (std::filesystem::is_directory(p, ec)) p /= "config.json";
  auto bytes = FileBytes::open(p.string(), FileLoadOptions{.use_mmap = false});
  const std::string_view text(reinterpret_cast<const char*>(bytes->data()),
                              static_cast<size_t>(bytes->size()));
  return parse(text, p.string());
}

HfConfig HfConfig::from_json(const json& j, const std::string& source) {
  if (!j.is_object()) {
    throw Error(ErrorCode::kFormat,
                source + ": top level is JSON " + json_type_name(j) + ", expected an object");
  }
  const Fields f(j, source);
  HfConfig c;
  c.raw = j;
  if (const json* a = f.get("architectures")) {
    if (!a->is_array()) f.fail("architectures", "is not an array");
    for (const json& s : *a) {
      if (!s.is_string()) f.fail("architectures", "holds a non-string entry");
      c.architectures.push_back(s.get<std::string>());
    }
  }
  c.model_type = f.opt_string("model_type").value_or("");
  c.hidden_size = f.positive_int("hidden_size");
  c.intermediate_size = f.positive_int("intermediate_size");
  c.num_hidden_layers = f.positive_int("num_hidden_layers");
  c.num_attention_heads = f.positive_int("num_attention_heads");
  c.vocab_size = f.positive_int("vocab_size");
  c.max_position_embeddings = f.positive_int("max_position_embeddings");
  c.num_key_value_heads =
      f.get("num_key_value_heads") ? f.positive_int("num_key_value_heads") : c.num_attention_heads;
  if (c.num_attention_heads % c.num_key_value_heads != 0) {
    f.fail("num_key_value_heads", "(" + std::to_string(c.num_key_value_heads) +
                                      ") does not divide num_attention_heads (" +
                                      std::to_string(c.num_attention_heads) + ")");
  }
  if (f.get("head_dim")) {
    c.head_dim = f.positive_int("head_dim");
  } else if (c.hidden_size % c.num_attention_heads == 0) {
    c.head_dim = c.hidden_size / c.num_attention_heads;
  } else {
    f.fail("head_dim", "is missing and hidden_size is not a multiple of num_attention_heads");
  }
  c.rms_norm_eps = f.opt_double("rms_norm_eps").value_or(1e-6);
  c.partial_rotary_factor = f.opt_double("partial_rotary_factor").value_or(1.0);
  if (!(c.partial_rotary_factor > 0.0 && c.partial_rotary_factor <= 1.0)) {
    f.fail("partial_rotary_factor", "must be in (0, 1]");
  }

  // transformers 5 moves rope_theta and the scaling into "rope_parameters".
  const json* params = f.get("rope_parameters");
  if (params && !params->is_object()) f.fail("rope_parameters", "is not an object");
  std::optional<double> theta = f.opt_double("rope_theta");
  if (!theta && params)
    theta = Fields(*params, source + ": rope_parameters").opt_double("rope_theta");
  c.rope_theta = theta.value_or(10000.0);
  if (!(c.rope_theta > 0.0)) f.fail("rope_theta", "must be positive");
  if (const json* rs = f.get("rope_scaling")) {
    c.rope_scaling = parse_rope_scaling(*rs, source + ": rope_scaling");
  } else if (params) {
    c.rope_scaling = parse_rope_scaling(*params, source + ": rope_parameters");
  }

  c.tie_word_embeddings = f.opt_bool("tie_word_embeddings").value_or(false);
  c.bos_token_id = f.opt_int("bos_token_id");
  if (const json* eos = f.get("eos_token_id")) {
    if (eos->is_array()) {
      for (const json& e : *eos) c.eos_token_ids.push_back(f.to_int(e, "eos_token_id"));
    } else {
      c.eos_token_ids.push_back(f.to_int(*eos, "eos_token_id"));
    }
  }
  c.torch_dtype = f.opt_string("torch_dtype").value_or(f.opt_string("dtype").value_or(""));
  c.attention_bias = f.opt_bool("attention_bias").value_or(false);
  if (f.get("sliding_window") && f.opt_bool("use_sliding_window").value_or(true)) {
    c.sliding_window = f.positive_int("sliding_window");
  }
  return c;
}

std::optional<DType> HfConfig::dtype() const {
  if (torch_dtype == "float32") return DType::kF32;
  if (torch_dtype == "float16") return DType::kF16;
  if (torch_dtype == "bfloat16") return DType::kBF16;
  return std::nullopt;
}

RopeParams rope_params_from_config(const HfConfig& c) {
  RopeParams p;
  p.theta = c.rope_theta;
  const bool deepseek = c.model_type == "deepseek_v2" || c.model_type == "deepseek_v3";
  const auto interleave = c.raw.find("rope_interleave");
  const bool interleave_off =
      interleave != c.raw.end() && interleave->is_boolean() && !interleave->get<bool>();
  p.layout = deepseek && !interleave_off ? RopeLayout::kInterleaved : RopeLayout::kNeox;
  const Fields f(c.raw, "config");
  if (auto qk_rope = f.opt_int("qk_rope_head_dim")) {
    p.rotary_dim = *qk_rope;
  } else if (c.partial_rotary_factor < 1.0) {
    p.rotary_dim = static_cast<int64_t>(static_cast<double>(c.head_dim) * c.partial_rotary_factor);
  }
  if (!c.rope_scaling) return p;

  const RopeScalingConfig& r = *c.rope_scaling;
  p.factor = r.factor;
  if (r.type == "linear") {
    p.scaling = RopeScaling::kLinear;
  } else if (r.type == "llama3") {
    p.scaling = RopeScaling::kLlama3;
    p.low_freq_factor = r.low_freq_factor;
    p.high_freq_factor = r.high_freq_factor;
    p.original_max_position = *r.original_max_position_embeddings;
  } else if (r.type == "yarn") {
    p.scaling = RopeScaling::kYarn;
    p.original_max_position =
        r.original_max_position_embeddings.value_or(c.max_position_embeddings);
    p.beta_fast = r.beta_fast;
    p.beta_slow = r.beta_slow;
    p.truncate = r.truncate;
    if (r.attention_factor) {
      p.attention_factor = *r.attention_factor;
    } else if (r.mscale && r.mscale_all_dim && *r.mscale != 0.0 && *r.mscale_all_dim != 0.0) {
      p.attention_factor =
          yarn_mscale(r.factor, *r.mscale) / yarn_mscale(r.factor, *r.mscale_all_dim);
    } else {
      p.attention_factor = yarn_mscale(r.factor, 1.0);
    }
  } else {
    throw Error(ErrorCode::kUnsupported, "rope_scaling type '" + r.type + "' of model_type '" +
                                             c.model_type +
                                             "' is not supported (linear, llama3 and yarn are)");
  }
  return p;
}

std::vector<int64_t> load_generation_eos_ids(const std::string& folder) {
  const std::filesystem::path p = std::filesystem::path(folder) / "generation_config.json";
  std::error_code ec;
  if (!std::filesystem::is_regular_file(p, ec)) return {};
  auto bytes = FileBytes::open(p.string(), FileLoadOptions{.use_mmap = false});
  const std::string_view text(reinterpret_cast<const char*>(bytes->data()),
                              static_cast<size_t>(bytes->size()));
  return parse_generation_eos_ids(text, p.string());
}

std::vector<int64_t> parse_generation_eos_ids(std::string_view text, const std::string& source) {
  const json j = parse_json_strict(text, source);
  if (!j.is_object()) {
    throw Error(ErrorCode::kFormat, source + ": top level is not an object");
  }
  const Fields f(j, source);
  std::vector<int64_t> ids;
  if (const json* eos = f.get("eos_token_id")) {
    if (eos->is_array()) {
      for (const json& e : *eos) ids.push_back(f.to_int(e, "eos_token_id"));
    } else {
      ids.push_back(f.to_int(*eos, "eos_token_id"));
    }
  }
  return ids;
}

}  // namespace loka

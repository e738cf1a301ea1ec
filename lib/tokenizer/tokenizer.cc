// Tokenizer: encode/decode pipeline, accessors, and open() dispatch on the source kind.
#include "tokenizer/tokenizer.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/error.h"
#include "core/utf8.h"
#include "formats/gguf_file.h"
#include "tokenizer/spm_model.h"
#include "tokenizer/text_util.h"
#include "tokenizer/tokenizer_impl.h"

namespace loka {

void TokenizerImpl::encode(std::string_view text, const EncodeOptions& opts,
                           std::vector<int32_t>& out) const {
  if (auto bad = find_invalid_utf8(text)) {
    throw Error(ErrorCode::kInvalidArgument,
                "tokenizer encode: invalid UTF-8 in the input text at byte offset " +
                    std::to_string(*bad));
  }
  if (opts.add_special) out.insert(out.end(), prefix_ids.begin(), prefix_ids.end());
  thread_local std::vector<tok::Segment> segments;
  thread_local std::vector<std::string> pieces;
  segments.clear();
  if (added.empty()) {
    if (!text.empty()) segments.push_back({-1, 0, text.size()});
  } else {
    added.split(text, opts.parse_special, segments);
  }
  bool prev_token = true;
  for (const tok::Segment& seg : segments) {
    if (seg.id >= 0) {
      out.push_back(seg.id);
      prev_token = true;
      continue;
    }
    const std::string_view part = text.substr(seg.start, seg.end - seg.start);
    if (model == Model::kSpm) {
      std::string s;
      s.reserve(part.size() * 3 + 3);
      if (spm_add_space_prefix && prev_token) s += "\xE2\x96\x81";
      for (char c : part) {
        if (c == ' ') s += "\xE2\x96\x81"; else s.push_back(c);
      }
      tok::spm_encode(vocab, s, out);
    } else {
      if (normalizer.empty()) {
        pre.run(part, seg.start == 0, pieces);
      } else {
        pre.run(normalizer.run(part), seg.start == 0, pieces);
      }
      for (const std::string& p : pieces) bpe.encode_word(vocab, p, out);
    }
    prev_token = false;
  }
  if (opts.add_special) out.insert(out.end(), suffix_ids.begin(), suffix_ids.end());
}

void TokenizerImpl::decode_bytes(std::span<const int32_t> ids, bool skip_special,
                                 size_t first_position, std::string& out) const {
  for (size_t i = 0; i < ids.size(); ++i) {
    const int32_t id = ids[i];
    if (id < 0 || id >= static_cast<int32_t>(token_bytes.size())) {
      throw Error(ErrorCode::kInvalidArgument,
                  "tokenizer decode: unknown token id " + std::to_string(id) + " at position " +
                      std::to_string(first_position + i) + " (vocabulary size " +
                      std::to_string(token_bytes.size()) + ")");
    }
    if (skip_special && special[id]) continue;
    out += token_bytes[id];
  }
}

void TokenizerImpl::finish() {
  const auto n = static_cast<int32_t>(vocab.pieces.size());
  special.resize(n, 0);
  token_bytes.resize(n);
  auto check = [&](int32_t id, const char* what) {
    LOKA_CHECK(id >= 0 && id < n, ErrorCode::kFormat,
               source + ": " + what + " token id " + std::to_string(id) +
                   " is outside the vocabulary (size " + std::to_string(n) + ")");
  };
  if (bos) check(*bos, "BOS");
  for (int32_t id : eos) check(id, "EOS");
  for (int32_t id : prefix_ids) check(id, "post-processor");
  for (int32_t id : suffix_ids) check(id, "post-processor");
}

// ---- Tokenizer ----

std::vector<int32_t> Tokenizer::encode(std::string_view text, const EncodeOptions& opts) const {
  std::vector<int32_t> out;
  out.reserve(text.size() / 3 + 4);
  impl_->encode(text, opts, out);
  return out;
}

namespace {
void strip_leading_spaces(std::string& s, size_t n) {
  size_t k = 0;
  while (k < n && k < s.size() && s[k] == ' ') ++k;
  s.erase(0, k);
}
}  // namespace

std::string Tokenizer::decode(std::span<const int32_t> ids, const DecodeOptions& opts) const {
  std::string raw;
  impl_->decode_bytes(ids, opts.skip_special, 0, raw);
  strip_leading_spaces(raw, impl_->decode_strip_left);
  return tok::utf8_lossy(raw);
}

int32_t Tokenizer::vocab_size() const { return impl_->vocab.size(); }

std::string_view Tokenizer::token_text(int32_t id) const {
  LOKA_CHECK(id >= 0 && id < impl_->vocab.size(), ErrorCode::kInvalidArgument,
             "token_text: unknown token id " + std::to_string(id));
  return impl_->vocab.pieces[id];
}

bool Tokenizer::is_special(int32_t id) const {
  return id >= 0 && id < impl_->vocab.size() && impl_->special[id];
}

std::optional<int32_t> Tokenizer::bos_id() const { return impl_->bos; }
std::vector<int32_t> Tokenizer::eos_ids() const { return impl_->eos; }
bool Tokenizer::add_bos() const {
  return impl_->bos && !impl_->prefix_ids.empty() && impl_->prefix_ids.front() == *impl_->bos;
}
bool Tokenizer::add_eos() const {
  return !impl_->eos.empty() && !impl_->suffix_ids.empty() &&
         impl_->suffix_ids.back() == impl_->eos.front();
}
std::string Tokenizer::bos_token() const {
  return impl_->bos ? impl_->vocab.pieces[*impl_->bos] : std::string();
}
std::string Tokenizer::eos_token() const {
  return impl_->eos.empty() ? std::string() : impl_->vocab.pieces[impl_->eos.front()];
}
const std::string& Tokenizer::chat_template() const { return impl_->chat_template; }

namespace {

std::string read_text_file(const std::filesystem::path& p) {
  std::ifstream in(p, std::ios::binary);
  if (!in) {
    throw Error(std::filesystem::exists(p) ? ErrorCode::kIo : ErrorCode::kNotFound,
                "tokenizer: cannot open " + p.string());
  }
  std::ostringstream ss;
  ss << in.rdbuf();
  LOKA_CHECK(!in.bad(), ErrorCode::kIo, "tokenizer: cannot read " + p.string());
  return ss.str();
}

}  // namespace

Tokenizer Tokenizer::open(const std::string& source) {
  namespace fs = std::filesystem;
  const fs::path p(source);
  fs::path json_path = p;
  if (fs::is_directory(p)) {
    json_path = p / "tokenizer.json";
  } else if (p.extension() == ".gguf") {
    return from_gguf(GgufFile::open(source));
  }
  const std::string json = read_text_file(json_path);
  const fs::path config_path = json_path.parent_path() / "tokenizer_config.json";
  const std::string config = fs::exists(config_path) ? read_text_file(config_path) : std::string();
  return from_hf_json(json, config, json_path.string());
}

// ---- StreamDecoder ----

StreamDecoder::StreamDecoder(const Tokenizer& tok, DecodeOptions opts)
    : tok_(tok), opts_(opts), strip_budget_(tok.impl().decode_strip_left) {}

std::string StreamDecoder::push(int32_t id) {
  const TokenizerImpl& impl = tok_.impl();
  std::string piece;
  impl.decode_bytes(std::span<const int32_t>(&id, 1), opts_.skip_special, count_++, piece);
  while (strip_budget_ > 0 && !piece.empty() && piece[0] == ' ') {
    piece.erase(0, 1);
    --strip_budget_;
  }
  if (!piece.empty()) strip_budget_ = 0;
  pending_ += piece;
  const size_t tail = tok::utf8_incomplete_tail(pending_);
  std::string out = tok::utf8_lossy(std::string_view(pending_).substr(0, pending_.size() - tail));
  pending_.erase(0, pending_.size() - tail);
  return out;
}

std::string StreamDecoder::flush() {
  std::string out = tok::utf8_lossy(pending_);
  pending_.clear();
  return out;
}

}  // namespace loka

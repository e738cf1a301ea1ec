// Generation session: a model, its KV cache and a sampler; prefill, decode, stop conditions, streaming, stats.
#include "runtime/generator.h"

#include <algorithm>
#include <chrono>
#include <unordered_set>

#include "core/error.h"
#include "runtime/stop_matcher.h"

namespace loka {
namespace {

using Clock = std::chrono::steady_clock;

double ms_between(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

// The last row of F32 logits [n, vocab], in host or device memory.
Tensor last_row(const Tensor& logits) {
  LOKA_CHECK(logits.defined() && logits.dtype() == DType::kF32 && logits.ndim() == 2 &&
                 logits.dim(0) >= 1 && logits.dim(1) >= 1 && logits.is_contiguous(),
             ErrorCode::kInternal, "model forward: expected contiguous F32 logits [n, vocab]");
  return logits.slice(0, logits.dim(0) - 1, logits.dim(0));
}

std::vector<float> host_values(const Tensor& row, Backend* be) {
  std::vector<float> v(static_cast<size_t>(row.numel()));
  const Tensor host = Tensor::borrow(DType::kF32, row.shape(), v.data(), nullptr);
  if (row.device().is_host()) {
    std::copy_n(row.data_as<const float>(), v.size(), v.begin());
  } else {
    LOKA_CHECK(be != nullptr, ErrorCode::kInternal, "model forward: device logits without a backend");
    be->copy(row, host);
  }
  return v;
}

}  // namespace

const char* stop_reason_name(StopReason reason) {
  switch (reason) {
    case StopReason::kEos: return "eos";
    case StopReason::kStopString: return "stop string";
    case StopReason::kMaxTokens: return "max tokens";
    case StopReason::kContextFull: return "context full";
    case StopReason::kCallback: return "callback";
    case StopReason::kCancelled: return "cancelled";
  }
  return "unknown";
}

Generator::Generator(std::shared_ptr<Model> model, int64_t context) : model_(std::move(model)) {
  LOKA_CHECK(model_ != nullptr, ErrorCode::kInvalidArgument, "session: no model");
  LOKA_CHECK(context >= 0, ErrorCode::kInvalidArgument,
             "session: context must be >= 0, got " + std::to_string(context));
  cache_ = model_->new_cache(context);
}

int64_t Generator::context() const { return cache_->capacity(); }

void Generator::reset() {
  cache_->truncate(0);
  cached_.clear();
  last_logits_.clear();
}

GenerateResult Generator::generate(std::string_view prompt, const GenerateOptions& options,
                                   const PieceCallback& on_piece) {
  EncodeOptions enc;
  enc.add_special = true;
  const std::vector<int32_t> ids = model_->tokenizer().encode(prompt, enc);
  return generate(std::span<const int32_t>(ids), options, on_piece);
}

std::string Generator::render_chat(const ChatRequest& request) const {
  const Tokenizer& tok = model_->tokenizer();
  if (!template_) {
    LOKA_CHECK(!tok.chat_template().empty(), ErrorCode::kNotFound,
               model_->info().path + ": the model has no chat template");
    template_ = ChatTemplate::parse(tok.chat_template(), model_->info().path + " chat template");
  }
  ChatRequest r = request;
  r.add_generation_prompt = true;
  return render_chat_prompt(*template_, r, {tok.bos_token(), tok.eos_token()});
}

GenerateResult Generator::chat(const ChatRequest& request, const GenerateOptions& options,
                               const PieceCallback& on_piece) {
  // transformers tokenizes a rendered chat with add_special_tokens=False: a template
  // that prints BOS itself must not get a second one.
  EncodeOptions enc;
  enc.add_special = false;
  const std::vector<int32_t> ids = model_->tokenizer().encode(render_chat(request), enc);
  return generate(std::span<const int32_t>(ids), options, on_piece);
}

GenerateResult Generator::generate(std::span<const int32_t> prompt, const GenerateOptions& options,
                                   const PieceCallback& on_piece) {
  const Clock::time_point t0 = Clock::now();
  GenerateResult result;
  result.stats.prompt_tokens = static_cast<int64_t>(prompt.size());
  if (cancel_.exchange(false)) {
    result.stop_reason = StopReason::kCancelled;
    return result;
  }
  const Tokenizer& tok = model_->tokenizer();
  LOKA_CHECK(!prompt.empty(), ErrorCode::kInvalidArgument, "generate: the prompt has no tokens");
  for (size_t i = 0; i < prompt.size(); ++i)
    LOKA_CHECK(prompt[i] >= 0 && prompt[i] < tok.vocab_size(), ErrorCode::kInvalidArgument,
               "generate: prompt token " + std::to_string(i) + " = " + std::to_string(prompt[i]) +
                   " is outside the vocabulary of " + std::to_string(tok.vocab_size()));
  LOKA_CHECK(static_cast<int64_t>(prompt.size()) <= cache_->capacity(), ErrorCode::kInvalidArgument,
             "generate: the prompt has " + std::to_string(prompt.size()) +
                 " tokens, more than the context of " + std::to_string(cache_->capacity()));
  Sampler sampler(options.sampling);
  StopMatcher matcher(options.stop);
  std::unordered_set<int32_t> eos;
  if (!options.ignore_eos)
    for (int32_t id : model_->eos_ids()) eos.insert(id);

  // Reuse the cached prefix; at least the last prompt token runs, for its logits.
  size_t common = 0;
  while (common < cached_.size() && common < prompt.size() && cached_[common] == prompt[common]) ++common;
  if (common == prompt.size()) --common;
  try {
    cache_->truncate(static_cast<int64_t>(common));
    cached_.resize(common);
    result.stats.cached_tokens = static_cast<int64_t>(common);
    for (int32_t t : prompt) sampler.accept(t);
    // Primed with the last prompt token so that a leading space of the continuation
    // survives (decoders strip it at the start of a text).
    StreamDecoder decoder(tok);
    decoder.push(prompt.back());

    Tensor logits = model_->forward_last(prompt.subspan(common), *cache_);
    cached_.assign(prompt.begin(), prompt.end());
    const Clock::time_point t_prefill = Clock::now();
    result.stats.prefill_ms = ms_between(t0, t_prefill);
    Clock::time_point t_first = t_prefill, t_last = t_prefill;

    bool callback_open = true;
    auto emit = [&](const std::string& text) {
      if (text.empty()) return;
      result.text += text;
      if (on_piece && callback_open && !on_piece(text)) callback_open = false;
    };
    StopReason reason = StopReason::kMaxTokens;
    while (true) {
      if (options.max_tokens >= 0 && static_cast<int64_t>(result.tokens.size()) >= options.max_tokens) {
        reason = StopReason::kMaxTokens;
        break;
      }
      if (cancel_.load(std::memory_order_relaxed)) {
        reason = StopReason::kCancelled;
        break;
      }
      const int32_t id = sampler.sample(last_row(logits), model_->backend());
      t_last = Clock::now();
      if (result.tokens.empty()) t_first = t_last;
      result.tokens.push_back(id);
      sampler.accept(id);
      if (eos.count(id)) {
        reason = StopReason::kEos;
        break;
      }
      emit(matcher.push(decoder.push(id)));
      if (matcher.matched()) {
        reason = StopReason::kStopString;
        break;
      }
      if (!callback_open) {
        reason = StopReason::kCallback;
        break;
      }
      if (cache_->size() >= cache_->capacity()) {
        reason = StopReason::kContextFull;
        break;
      }
      if (options.max_tokens >= 0 && static_cast<int64_t>(result.tokens.size()) >= options.max_tokens) {
        reason = StopReason::kMaxTokens;  // no forward for a token nobody will sample after
        break;
      }
      const int32_t step[1] = {id};
      logits = model_->forward_last(step, *cache_);
      cached_.push_back(id);
    }
    if (reason != StopReason::kCallback && reason != StopReason::kStopString) {
      emit(matcher.push(decoder.flush()));
      emit(matcher.flush());
    }
    result.stop_reason = reason;
    last_logits_ = host_values(last_row(logits), model_->backend());
    GenerateStats& s = result.stats;
    s.generated_tokens = static_cast<int64_t>(result.tokens.size());
    if (!result.tokens.empty()) s.time_to_first_token_ms = ms_between(t0, t_first);
    s.decode_ms = ms_between(t_first, t_last);
    const int64_t prefilled = s.prompt_tokens - s.cached_tokens;
    if (s.prefill_ms > 0) s.prefill_tokens_per_s = prefilled / (s.prefill_ms / 1000.0);
    if (s.decode_ms > 0 && s.generated_tokens > 1)
      s.decode_tokens_per_s = (s.generated_tokens - 1) / (s.decode_ms / 1000.0);
  } catch (...) {
    // The cache may hold part of a step: start the next request from scratch.
    reset();
    cancel_.store(false);
    throw;
  }
  cancel_.store(false);
  return result;
}

}  // namespace loka

// Public C++ API: Session (generate, chat, cancel) over the internal Generator.
#include "runtime/api_internal.h"

namespace loka::api {
namespace {

GenerateOptions to_options(const GenerateParams& p) {
  GenerateOptions o;
  o.max_tokens = p.max_tokens;
  o.stop = p.stop;
  o.ignore_eos = p.ignore_eos;
  const SamplingParams& s = p.sampling;
  o.sampling = {s.temperature, s.top_k, s.top_p, s.min_p, s.repeat_penalty, s.presence_penalty,
                s.frequency_penalty, s.penalty_last_n, s.seed};
  return o;
}

static_assert(static_cast<int>(StopReason::kCancelled) == static_cast<int>(loka::StopReason::kCancelled));

Result to_result(GenerateResult&& r) {
  Result out;
  out.text = std::move(r.text);
  out.tokens = std::move(r.tokens);
  out.stop_reason = static_cast<StopReason>(r.stop_reason);
  const GenerateStats& s = r.stats;
  out.stats = {s.prompt_tokens, s.cached_tokens, s.generated_tokens, s.time_to_first_token_ms,
               s.prefill_ms, s.decode_ms, s.prefill_tokens_per_s, s.decode_tokens_per_s};
  return out;
}

PieceCallback to_callback(const TokenCallback& cb) {
  if (!cb) return {};
  return [&cb](std::string_view piece) { return cb(piece); };
}

}  // namespace

struct Session::Impl {
  Impl(const Model& m, int64_t context) : model(m), generator(m.impl()->model, context) {}
  Model model;
  Generator generator;
};

Session::Session(const Model& model, int64_t context)
    : impl_(translate_errors([&] { return std::make_unique<Impl>(model, context); })) {}
Session::~Session() = default;
Session::Session(Session&&) noexcept = default;
Session& Session::operator=(Session&&) noexcept = default;

Result Session::generate(std::string_view prompt, const GenerateParams& params, const TokenCallback& on_token) {
  return translate_errors(
      [&] { return to_result(impl_->generator.generate(prompt, to_options(params), to_callback(on_token))); });
}

Result Session::generate(std::span<const int32_t> prompt, const GenerateParams& params,
                         const TokenCallback& on_token) {
  return translate_errors(
      [&] { return to_result(impl_->generator.generate(prompt, to_options(params), to_callback(on_token))); });
}

Result Session::chat(const std::vector<ChatMessage>& messages, const GenerateParams& params,
                     const TokenCallback& on_token) {
  return translate_errors([&] {
    return to_result(impl_->generator.chat(to_chat_request(messages, true), to_options(params),
                                           to_callback(on_token)));
  });
}

void Session::cancel() noexcept { impl_->generator.cancel(); }
void Session::reset() { translate_errors([&] { impl_->generator.reset(); }); }
int64_t Session::context() const { return impl_->generator.context(); }
const Model& Session::model() const { return impl_->model; }
std::span<const float> Session::last_logits() const { return impl_->generator.last_logits(); }

}  // namespace loka::api

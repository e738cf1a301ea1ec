// Generation options (loka_generate_params), statistics and results of the Go binding.
package loka

// #include "shim.h"
import "C"

import "unsafe"

// GenerateOption sets one field of the generation parameters; unset fields keep loka's defaults.
type GenerateOption func(*genParams)

type genParams struct {
	c    C.loka_generate_params
	stop []string
}

// WithMaxTokens limits the generated tokens (< 0: until EOS, a stop string or a full context).
func WithMaxTokens(n int) GenerateOption {
	return func(p *genParams) { p.c.max_tokens = C.int32_t(n) }
}

// WithTemperature sets the sampling temperature (<= 0: greedy).
func WithTemperature(t float32) GenerateOption {
	return func(p *genParams) { p.c.temperature = C.float(t) }
}

// WithTopK keeps the k most likely tokens (<= 0: off).
func WithTopK(k int) GenerateOption { return func(p *genParams) { p.c.top_k = C.int32_t(k) } }

// WithTopP keeps the smallest set of tokens whose probability reaches p (>= 1: off).
func WithTopP(v float32) GenerateOption { return func(p *genParams) { p.c.top_p = C.float(v) } }

// WithMinP drops tokens less likely than p times the most likely one (<= 0: off).
func WithMinP(v float32) GenerateOption { return func(p *genParams) { p.c.min_p = C.float(v) } }

// WithRepeatPenalty sets the repetition penalty (1: off).
func WithRepeatPenalty(v float32) GenerateOption {
	return func(p *genParams) { p.c.repeat_penalty = C.float(v) }
}

// WithSeed makes sampling reproducible: same seed, same output.
func WithSeed(seed uint64) GenerateOption { return func(p *genParams) { p.c.seed = C.uint64_t(seed) } }

// WithStop ends generation at any of these strings (not part of the output).
func WithStop(stop ...string) GenerateOption {
	return func(p *genParams) { p.stop = append(p.stop, stop...) }
}

// WithIgnoreEOS generates past end-of-sequence tokens.
func WithIgnoreEOS() GenerateOption { return func(p *genParams) { p.c.ignore_eos = 1 } }

// newParams applies opts over loka's defaults (sized by the loka.h this binding was built
// with); free releases the C stop strings.
func newParams(opts []GenerateOption) (*genParams, func(), error) {
	p := &genParams{}
	if err := fromStatus(C.loka_generate_params_init(&p.c, C.size_t(unsafe.Sizeof(p.c)))); err != nil {
		return nil, nil, err
	}
	for _, o := range opts {
		o(p)
	}
	if len(p.stop) == 0 {
		return p, func() {}, nil
	}
	arr := (**C.char)(C.calloc(C.size_t(len(p.stop)), C.size_t(unsafe.Sizeof((*C.char)(nil)))))
	s := unsafe.Slice(arr, len(p.stop))
	for i, v := range p.stop {
		s[i] = C.CString(v)
	}
	p.c.stop = arr
	p.c.stop_count = C.size_t(len(p.stop))
	return p, func() {
		for _, c := range s {
			C.free(unsafe.Pointer(c))
		}
		C.free(unsafe.Pointer(arr))
	}, nil
}

// StopReason says why a generation ended.
type StopReason int

// The loka_stop_reason values.
const (
	StopEOS StopReason = iota
	StopString
	StopMaxTokens
	StopContextFull
	StopCallback
	StopCancelled
)

func (r StopReason) String() string {
	names := []string{"eos", "stop_string", "max_tokens", "context_full", "callback", "cancelled"}
	if r >= 0 && int(r) < len(names) {
		return names[r]
	}
	return "unknown"
}

// Stats are the statistics of one request.
type Stats struct {
	PromptTokens, CachedTokens, GeneratedTokens int64
	TimeToFirstTokenMs                          float64
	PrefillTokensPerS, DecodeTokensPerS         float64
	StopReason                                  StopReason
}

// Result is a finished generation: the text (a matched stop string excluded) and its statistics.
type Result struct {
	Text  string
	Stats Stats
}

func toStats(s *C.loka_stats) Stats {
	return Stats{int64(s.prompt_tokens), int64(s.cached_tokens), int64(s.generated_tokens),
		float64(s.time_to_first_token_ms), float64(s.prefill_tokens_per_s),
		float64(s.decode_tokens_per_s), StopReason(s.stop_reason)}
}

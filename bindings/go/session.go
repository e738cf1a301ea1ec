// Sessions of the Go binding: generation with streaming callbacks and context cancellation.
package loka

// #include "shim.h"
import "C"

import (
	"context"
	"runtime"
	"runtime/cgo"
	"strings"
	"sync"
	"unsafe"
)

// Session is one conversation (a KV cache and a sampler). It serves one request at a time
// (concurrent calls wait); use a session per goroutine, or Model.Generate, for parallel work.
type Session struct {
	mu       sync.Mutex // held during a request; guards h
	cancelMu sync.Mutex // guards h for Cancel, which must not wait for the request
	h        *C.loka_session
}

// NewSession makes a session holding contextLength tokens (0: the model's context length).
func (m *Model) NewSession(contextLength int) (*Session, error) {
	var s *C.loka_session
	err := m.with(func(h *C.loka_model) error {
		var p C.loka_session_params
		if err := fromStatus(C.loka_session_params_init(&p, C.size_t(unsafe.Sizeof(p)))); err != nil {
			return err
		}
		p.context_length = C.int64_t(contextLength)
		return fromStatus(C.loka_session_create(h, &p, &s))
	})
	if err != nil {
		return nil, err
	}
	out := &Session{h: s}
	runtime.SetFinalizer(out, func(s *Session) { s.Close() })
	return out, nil
}

// Close frees the session, cancelling (and waiting for) a request that runs in it.
func (s *Session) Close() error {
	s.Cancel()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.cancelMu.Lock()
	defer s.cancelMu.Unlock()
	if s.h != nil {
		C.loka_session_free(s.h)
		s.h = nil
	}
	runtime.SetFinalizer(s, nil)
	return nil
}

// Cancel stops the request running in the session, from any goroutine. As in the C ABI,
// when none runs the next request returns at once; prefer cancelling its context.
func (s *Session) Cancel() {
	s.cancelMu.Lock()
	defer s.cancelMu.Unlock()
	C.loka_session_cancel(s.h) // NULL (closed) is fine
}

// Reset forgets the conversation held in the session's cache.
func (s *Session) Reset() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.h == nil {
		return invalid("loka: the session is closed")
	}
	return fromStatus(C.loka_session_reset(s.h))
}

// Logits returns the logits of the last forward step, one per vocabulary entry: the
// distribution the last generated token was drawn from (with WithMaxTokens(0): the
// next-token distribution after the prompt).
func (s *Session) Logits() ([]float32, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.h == nil {
		return nil, invalid("loka: the session is closed")
	}
	var n C.size_t
	if err := fromStatus(C.loka_session_get_logits(s.h, nil, 0, &n)); err != nil {
		return nil, err
	}
	out := make([]float32, int(n))
	err := fromStatus(C.loka_session_get_logits(s.h, (*C.float)(unsafe.Pointer(&out[0])), n, &n))
	return out, err
}

// Generate continues prompt and returns the whole text. Cancelling ctx stops it; the partial
// result comes back with ctx's error.
func (s *Session) Generate(ctx context.Context, prompt string, opts ...GenerateOption) (Result, error) {
	return s.GenerateStream(ctx, prompt, nil, opts...)
}

// GenerateStream is Generate calling onPiece with each new piece of text (whole UTF-8
// characters) as it is produced; a non-nil error from onPiece stops generation and is returned.
func (s *Session) GenerateStream(ctx context.Context, prompt string, onPiece func(string) error,
	opts ...GenerateOption) (Result, error) {
	cprompt := C.CString(prompt)
	defer C.free(unsafe.Pointer(cprompt))
	return s.run(ctx, onPiece, opts, func(h *C.loka_session, p *C.loka_generate_params, u C.uintptr_t,
		st *C.loka_stats) *C.loka_status {
		return C.loka_go_generate(h, cprompt, p, u, st)
	})
}

// GenerateTokens continues a prompt given as token ids.
func (s *Session) GenerateTokens(ctx context.Context, ids []int32, onPiece func(string) error,
	opts ...GenerateOption) (Result, error) {
	// ids is Go memory without pointers, valid for the call's duration: allowed by cgo rules.
	return s.run(ctx, onPiece, opts, func(h *C.loka_session, p *C.loka_generate_params, u C.uintptr_t,
		st *C.loka_stats) *C.loka_status {
		return C.loka_go_generate_tokens(h, int32Ptr(ids), C.size_t(len(ids)), p, u, st)
	})
}

// Chat renders messages with the model's chat template and generates the assistant's answer;
// onPiece may be nil.
func (s *Session) Chat(ctx context.Context, messages []Message, onPiece func(string) error,
	opts ...GenerateOption) (Result, error) {
	cm, free := cMessages(messages)
	defer free()
	return s.run(ctx, onPiece, opts, func(h *C.loka_session, p *C.loka_generate_params, u C.uintptr_t,
		st *C.loka_stats) *C.loka_status {
		return C.loka_go_chat(h, cm, C.size_t(len(messages)), p, u, st)
	})
}

// streamState is what the C callback reaches through a cgo.Handle.
type streamState struct {
	ctx     context.Context
	onPiece func(string) error
	text    strings.Builder
	err     error
}

//export lokaGoToken
func lokaGoToken(piece *C.char, n C.size_t, user unsafe.Pointer) C.int32_t {
	st := cgo.Handle(uintptr(user)).Value().(*streamState)
	text := C.GoStringN(piece, C.int(n))
	st.text.WriteString(text)
	if st.ctx.Err() != nil {
		return 1
	}
	if st.onPiece != nil {
		if err := st.onPiece(text); err != nil {
			st.err = err
			return 1
		}
	}
	return 0
}

type cCall func(h *C.loka_session, p *C.loka_generate_params, user C.uintptr_t, st *C.loka_stats) *C.loka_status

func (s *Session) run(ctx context.Context, onPiece func(string) error, opts []GenerateOption,
	call cCall) (Result, error) {
	params, free, err := newParams(opts)
	if err != nil {
		return Result{}, err
	}
	defer free()
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.h == nil {
		return Result{}, invalid("loka: the session is closed")
	}
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	state := &streamState{ctx: ctx, onPiece: onPiece}
	handle := cgo.NewHandle(state) // C gets a number, never a Go pointer it could keep
	defer handle.Delete()

	// A watcher cancels the C call when ctx is done, but only while the call runs.
	h := s.h
	var guard sync.Mutex
	running, cancelled := true, false
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			guard.Lock()
			if running {
				C.loka_session_cancel(h)
				cancelled = true
			}
			guard.Unlock()
		case <-done:
		}
	}()
	var stats C.loka_stats
	stats.struct_size = C.size_t(unsafe.Sizeof(stats))
	cparams := params.c // its own allocation: genParams also holds Go pointers, C must not see them
	status := call(h, &cparams, C.uintptr_t(handle), &stats)
	guard.Lock()
	running = false
	wasCancelled := cancelled
	guard.Unlock()
	close(done)
	if wasCancelled && StopReason(stats.stop_reason) != StopCancelled {
		C.loka_go_drain_cancel(h) // our cancel came after the call had ended
	}
	res := Result{Text: state.text.String(), Stats: toStats(&stats)}
	if err := fromStatus(status); err != nil {
		return res, err
	}
	if state.err != nil {
		return res, state.err
	}
	if err := ctx.Err(); err != nil && (res.Stats.StopReason == StopCancelled || res.Stats.StopReason == StopCallback) {
		return res, err
	}
	return res, nil
}

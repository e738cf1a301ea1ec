// Model-level generation for the Go binding: sessions from a small pool, so goroutines run in parallel.
package loka

import "context"

const maxIdleSessions = 4

func (m *Model) acquire() (*Session, error) {
	m.poolMu.Lock()
	if n := len(m.idle); n > 0 {
		s := m.idle[n-1]
		m.idle = m.idle[:n-1]
		m.poolMu.Unlock()
		return s, nil
	}
	m.poolMu.Unlock()
	return m.NewSession(0)
}

func (m *Model) release(s *Session) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	m.poolMu.Lock()
	defer m.poolMu.Unlock()
	if m.h == nil || len(m.idle) >= maxIdleSessions {
		s.Close()
		return
	}
	m.idle = append(m.idle, s)
}

// Generate continues prompt on a pooled session (see Session.Generate).
func (m *Model) Generate(ctx context.Context, prompt string, opts ...GenerateOption) (Result, error) {
	return m.GenerateStream(ctx, prompt, nil, opts...)
}

// GenerateStream is Generate with a callback per piece of text (see Session.GenerateStream).
func (m *Model) GenerateStream(ctx context.Context, prompt string, onPiece func(string) error,
	opts ...GenerateOption) (Result, error) {
	s, err := m.acquire()
	if err != nil {
		return Result{}, err
	}
	defer m.release(s)
	return s.GenerateStream(ctx, prompt, onPiece, opts...)
}

// Chat answers a conversation on a pooled session (see Session.Chat); onPiece may be nil.
func (m *Model) Chat(ctx context.Context, messages []Message, onPiece func(string) error,
	opts ...GenerateOption) (Result, error) {
	s, err := m.acquire()
	if err != nil {
		return Result{}, err
	}
	defer m.release(s)
	return s.Chat(ctx, messages, onPiece, opts...)
}

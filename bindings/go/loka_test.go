// Tests of the Go binding on the bundled demo model: text, generation, streaming, errors, cancellation, concurrency.
package loka_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	loka "github.com/loka-project/loka/bindings/go"
)

const prompt = "It is a truth universally acknowledged"

func demoPath() string {
	if p := os.Getenv("LOKA_DEMO_MODEL"); p != "" {
		return p
	}
	return filepath.Join("..", "..", "examples", "models", "austen-6m")
}

func openDemo(t *testing.T) *loka.Model {
	t.Helper()
	m, err := loka.Open(demoPath(), loka.WithThreads(1))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { m.Close() })
	return m
}

func greedy(n int) []loka.GenerateOption {
	return []loka.GenerateOption{loka.WithTemperature(0), loka.WithMaxTokens(n)}
}

func TestVersionAndInfo(t *testing.T) {
	if loka.Version() == "" {
		t.Fatal("empty version")
	}
	info, err := openDemo(t).Info()
	if err != nil || info.Architecture != "LlamaForCausalLM" || info.VocabSize != 4096 {
		t.Fatalf("info = %+v, %v", info, err)
	}
}

func TestTokenize(t *testing.T) {
	m := openDemo(t)
	ids, err := m.Tokenize(prompt, true)
	// Ids from Hugging Face tokenizers (as tests/capi/test_capi.cc).
	want := []int32{0, 1426, 366, 260, 1918, 474, 74, 1180, 556, 2763}
	if err != nil || len(ids) != len(want) {
		t.Fatalf("tokenize = %v, %v", ids, err)
	}
	for i := range want {
		if ids[i] != want[i] {
			t.Fatalf("tokenize = %v, want %v", ids, want)
		}
	}
	text, err := m.Detokenize(ids[1:])
	if err != nil || text != prompt {
		t.Fatalf("detokenize = %q, %v", text, err)
	}
	// Expected text rendered by Python jinja2 from the demo model's tokenizer_config.json.
	chat, err := m.ApplyChatTemplate([]loka.Message{{Role: "user", Content: "hi"}})
	if err != nil || chat != "\"hi\" said Mr. Bennet.\n\n\"" {
		t.Fatalf("chat template = %q, %v", chat, err)
	}
}

func TestGenerateAndStream(t *testing.T) {
	m := openDemo(t)
	ctx := context.Background()
	r, err := m.Generate(ctx, prompt, greedy(24)...)
	if err != nil || len(r.Text) < 10 || r.Stats.GeneratedTokens != 24 || r.Stats.StopReason != loka.StopMaxTokens {
		t.Fatalf("generate = %+v, %v", r, err)
	}
	var pieces []string
	r2, err := m.GenerateStream(ctx, prompt, func(p string) error { pieces = append(pieces, p); return nil }, greedy(24)...)
	if err != nil || strings.Join(pieces, "") != r.Text || r2.Text != r.Text || len(pieces) < 6 {
		t.Fatalf("stream = %q (%d pieces), want %q, %v", strings.Join(pieces, ""), len(pieces), r.Text, err)
	}
	stop := r.Text[5:8]
	r3, err := m.Generate(ctx, prompt, append(greedy(40), loka.WithStop(stop))...)
	if err != nil || r3.Text != r.Text[:strings.Index(r.Text, stop)] || r3.Stats.StopReason != loka.StopString {
		t.Fatalf("stop %q: %+v, %v", stop, r3, err)
	}
	a, _ := m.Generate(ctx, prompt, loka.WithSeed(7), loka.WithTemperature(1), loka.WithMaxTokens(16))
	b, _ := m.Generate(ctx, prompt, loka.WithSeed(7), loka.WithTemperature(1), loka.WithMaxTokens(16))
	if a.Text != b.Text {
		t.Fatalf("same seed, different text: %q %q", a.Text, b.Text)
	}
}

func TestChatAndCallbackError(t *testing.T) {
	m := openDemo(t)
	msgs := []loka.Message{{Role: "user", Content: "Where is Mr. Darcy?"}}
	r, err := m.Chat(context.Background(), msgs, nil, greedy(16)...)
	if err != nil || r.Text == "" {
		t.Fatalf("chat = %+v, %v", r, err)
	}
	stopErr := errors.New("enough")
	r, err = m.Chat(context.Background(), msgs, func(string) error { return stopErr }, greedy(16)...)
	if !errors.Is(err, stopErr) || r.Stats.StopReason != loka.StopCallback {
		t.Fatalf("callback error: %+v, %v", r, err)
	}
}

func TestLogits(t *testing.T) {
	m := openDemo(t)
	s, err := m.NewSession(0)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Logits(); !errors.Is(err, loka.ErrNotFound) {
		t.Fatalf("logits before generating: %v", err)
	}
	if _, err := s.Generate(context.Background(), prompt, greedy(0)...); err != nil {
		t.Fatal(err)
	}
	logits, err := s.Logits()
	if err != nil || len(logits) != 4096 {
		t.Fatalf("logits: %d, %v", len(logits), err)
	}
	ids, _ := m.Tokenize(prompt, true)
	if _, err := s.GenerateTokens(context.Background(), ids, nil, greedy(1)...); err != nil {
		t.Fatal(err)
	}
	again, _ := s.Logits()
	for i := range logits {
		if logits[i] != again[i] {
			t.Fatalf("logits differ at %d", i)
		}
	}
}

func TestErrors(t *testing.T) {
	_, err := loka.Open("/no/such/model")
	var le *loka.Error
	if !errors.Is(err, loka.ErrNotFound) || !errors.As(err, &le) || !strings.Contains(le.Message, "/no/such/model") {
		t.Fatalf("missing file: %v", err)
	}
	bad := filepath.Join(t.TempDir(), "bad.gguf")
	os.WriteFile(bad, []byte("GGUF\x03\x00\x00\x00garbage"), 0o600)
	if _, err := loka.Open(bad); !errors.Is(err, loka.ErrFormat) || !strings.Contains(err.Error(), "bad.gguf") {
		t.Fatalf("malformed file: %v", err)
	}
	if _, err := loka.Open(demoPath(), loka.WithDevice("tpu:7")); err == nil || !strings.Contains(err.Error(), "tpu") {
		t.Fatalf("bad device: %v", err)
	}
	m := openDemo(t)
	s, _ := m.NewSession(0)
	defer s.Close()
	_, err = s.GenerateTokens(context.Background(), []int32{5, 99999}, nil, greedy(1)...)
	if !errors.Is(err, loka.ErrInvalidArgument) || !strings.Contains(err.Error(), "99999") {
		t.Fatalf("bad token: %v", err)
	}
	if _, err := m.NewSession(-1); !errors.Is(err, loka.ErrInvalidArgument) {
		t.Fatalf("bad context: %v", err)
	}
	m.Close()
	if _, err := m.Tokenize("x", true); !errors.Is(err, loka.ErrInvalidArgument) {
		t.Fatalf("closed model: %v", err)
	}
}

func TestContextCancellation(t *testing.T) {
	m := openDemo(t)
	s, _ := m.NewSession(512)
	defer s.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Millisecond)
	defer cancel()
	r, err := s.Generate(ctx, prompt, loka.WithTemperature(0), loka.WithMaxTokens(-1), loka.WithIgnoreEOS())
	if r.Stats.StopReason != loka.StopContextFull && !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("cancelled generation: %+v, %v", r.Stats, err)
	}
	// The session is usable right after, and a cancel does not leak into the next request.
	r, err = s.Generate(context.Background(), "Hello", greedy(4)...)
	if err != nil || r.Stats.StopReason != loka.StopMaxTokens {
		t.Fatalf("after cancel: %+v, %v", r.Stats, err)
	}
	done, cancel2 := context.WithCancel(context.Background())
	cancel2()
	if _, err := s.Generate(done, prompt, greedy(4)...); !errors.Is(err, context.Canceled) {
		t.Fatalf("done context: %v", err)
	}
}

// Run with -race in CI: goroutines share one model (pooled and own sessions), cancel each other.
func TestConcurrent(t *testing.T) {
	m := openDemo(t)
	want, err := m.Generate(context.Background(), prompt, greedy(12)...)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 3; j++ {
				r, err := m.Generate(context.Background(), prompt, greedy(12)...)
				if err != nil || r.Text != want.Text {
					errs <- errors.New("pooled generate: " + r.Text)
				}
			}
		}()
	}
	for i := 0; i < 2; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s, err := m.NewSession(512)
			if err != nil {
				errs <- err
				return
			}
			defer s.Close()
			ctx, cancel := context.WithCancel(context.Background())
			go func() { time.Sleep(10 * time.Millisecond); cancel() }()
			s.Generate(ctx, prompt, loka.WithMaxTokens(-1), loka.WithIgnoreEOS())
			go s.Cancel() // a stray cancel from another goroutine while the session is reused
			if _, err := s.Generate(context.Background(), "Hello", greedy(4)...); err != nil {
				errs <- err
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// Sealed models (#6): the demo model sealed by the `loka` CLI ($LOKA_CLI) loads with its key; key errors are ErrKey.
package loka_test

import (
	"context"
	"encoding/hex"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	loka "github.com/loka-project/loka/bindings/go"
)

func sealDemo(t *testing.T) (path, keyFile string, key []byte) {
	cli := os.Getenv("LOKA_CLI")
	if cli == "" {
		t.Skip("LOKA_CLI (the loka program, to seal the demo model) is not set")
	}
	dir := t.TempDir()
	keyFile = filepath.Join(dir, "demo.key")
	if out, err := exec.Command(cli, "keygen", keyFile).CombinedOutput(); err != nil {
		t.Skipf("this loka program cannot make keys: %s", out)
	}
	path = filepath.Join(dir, "demo.lks")
	if out, err := exec.Command(cli, "seal", "-m", demoPath(), "-o", path, "--key-file", keyFile).CombinedOutput(); err != nil {
		t.Fatalf("seal: %v: %s", err, out)
	}
	text, _ := os.ReadFile(keyFile)
	key, err := hex.DecodeString(strings.TrimSpace(string(text)))
	if err != nil || len(key) != 32 {
		t.Fatalf("key file: %v", err)
	}
	return path, keyFile, key
}

func TestSealedModel(t *testing.T) {
	path, keyFile, key := sealDemo(t)
	want, err := openDemo(t).Generate(context.Background(), prompt, greedy(16)...)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, opt := range []loka.Option{loka.WithKeyFile(keyFile), loka.WithKey(key),
		loka.WithKeyFunc(func(id string) ([]byte, error) { ids = append(ids, id); return key, nil })} {
		m, err := loka.Open(path, opt)
		if err != nil {
			t.Fatalf("open sealed: %v", err)
		}
		r, err := m.Generate(context.Background(), prompt, greedy(16)...)
		m.Close()
		if err != nil || r.Text != want.Text {
			t.Fatalf("sealed generate = %q, %v; want %q", r.Text, err, want.Text)
		}
	}
	if len(ids) != 1 {
		t.Fatalf("key callback called %d times", len(ids))
	}

	wrong := append([]byte(nil), key...)
	wrong[0] ^= 1
	var le *loka.Error
	if _, err := loka.Open(path, loka.WithKey(wrong)); !errors.Is(err, loka.ErrKey) || !errors.As(err, &le) || le.Message == "" {
		t.Fatalf("wrong key: %v", err)
	}
	if _, err := loka.Open(path); !errors.Is(err, loka.ErrKey) {
		t.Fatalf("no key: %v", err)
	}
	if _, err := loka.Open(path, loka.WithKeyFunc(func(string) ([]byte, error) { return nil, errors.New("kms down") })); !errors.Is(err, loka.ErrKey) {
		t.Fatalf("failing key callback: %v", err)
	}
}

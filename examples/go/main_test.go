// Tests the HTTP handler of the example against the bundled demo model.
package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"

	loka "github.com/loka-project/loka/bindings/go"
)

func TestCompleteHandler(t *testing.T) {
	path := os.Getenv("LOKA_DEMO_MODEL")
	if path == "" {
		path = filepath.Join("..", "models", "austen-6m")
	}
	m, err := loka.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	srv := httptest.NewServer(completeHandler(m))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "?prompt=It+is+a+truth&max_tokens=16")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || len(body) == 0 {
		t.Fatalf("status %d, body %q", resp.StatusCode, body)
	}
	t.Logf("completion: %q", body)
}

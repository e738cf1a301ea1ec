// Command loka-stream streams a completion from a model with the loka Go binding, on the
// terminal or (with -http) as an HTTP handler: GET /complete?prompt=...&max_tokens=N.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"

	loka "github.com/loka-project/loka/bindings/go"
)

// completeHandler streams the completion of ?prompt= as plain text, flushing every piece;
// a client that goes away cancels the generation (through the request's context).
func completeHandler(m *loka.Model) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		prompt := r.URL.Query().Get("prompt")
		maxTokens, err := strconv.Atoi(r.URL.Query().Get("max_tokens"))
		if err != nil {
			maxTokens = 64
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		flusher, _ := w.(http.Flusher)
		_, err = m.GenerateStream(r.Context(), prompt, func(piece string) error {
			if _, err := fmt.Fprint(w, piece); err != nil {
				return err
			}
			if flusher != nil {
				flusher.Flush()
			}
			return nil
		}, loka.WithMaxTokens(maxTokens))
		var le *loka.Error
		if errors.As(err, &le) && le.Code == loka.ErrInvalidArgument {
			http.Error(w, le.Message, http.StatusBadRequest)
		} else if err != nil && !errors.Is(err, context.Canceled) {
			log.Printf("complete: %v", err)
		}
	}
}

func main() {
	model := flag.String("model", filepath.Join("..", "models", "austen-6m"), "model folder or GGUF file")
	maxTokens := flag.Int("max-tokens", 64, "tokens to generate")
	temperature := flag.Float64("temperature", 0.8, "sampling temperature (0: greedy)")
	addr := flag.String("http", "", "serve /complete on this address instead of the terminal")
	flag.Parse()

	m, err := loka.Open(*model)
	if err != nil {
		log.Fatalf("loka-stream: %v", err)
	}
	defer m.Close()
	if *addr != "" {
		http.Handle("/complete", completeHandler(m))
		log.Printf("serving http://%s/complete?prompt=...", *addr)
		log.Fatal(http.ListenAndServe(*addr, nil))
	}

	prompt := "It is a truth universally acknowledged"
	if flag.NArg() > 0 {
		prompt = flag.Arg(0)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt) // Ctrl-C cancels
	defer stop()
	fmt.Print(prompt)
	r, err := m.GenerateStream(ctx, prompt, func(piece string) error {
		_, err := fmt.Print(piece)
		return err
	}, loka.WithMaxTokens(*maxTokens), loka.WithTemperature(float32(*temperature)))
	fmt.Println()
	if err != nil && !errors.Is(err, context.Canceled) {
		log.Fatalf("loka-stream: %v", err)
	}
	fmt.Fprintf(os.Stderr, "[%d tokens, %.0f tokens/s, %s]\n", r.Stats.GeneratedTokens,
		r.Stats.DecodeTokensPerS, r.Stats.StopReason)
}

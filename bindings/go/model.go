// Package loka runs language models in-process through loka's C ABI (loka.h, libloka_c).
package loka

// #cgo CFLAGS: -I${SRCDIR}/../../capi
// #cgo LDFLAGS: -lloka_c
// #include "shim.h"
import "C"

import (
	"runtime"
	"runtime/cgo"
	"sync"
	"unsafe"
)

// Version is the version of the loaded libloka_c.
func Version() string { return C.GoString(C.loka_version()) }

// Option configures Open.
type Option func(*openConfig)

type openConfig struct {
	device  string
	threads int
	mmap    bool
	mlock   bool
	keyFn      func(string) ([]byte, error)
	keyFile    string
	passphrase string
}

// WithDevice selects "cpu" (default) or "cuda:N".
func WithDevice(device string) Option { return func(c *openConfig) { c.device = device } }

// WithThreads sets the CPU threads (0 = all cores).
func WithThreads(n int) Option { return func(c *openConfig) { c.threads = n } }

// WithMmap maps the weight files (default true) or reads them.
func WithMmap(on bool) Option { return func(c *openConfig) { c.mmap = on } }

// WithMlock locks the weights in memory.
func WithMlock(on bool) Option { return func(c *openConfig) { c.mlock = on } }

// WithKey gives the 32-byte key of a sealed (.lks) model.
func WithKey(key []byte) Option {
	return WithKeyFunc(func(string) ([]byte, error) { return key, nil })
}

// WithKeyFunc asks fetch for the key of a sealed model (e.g. from a KMS), given the public
// key id of the file's header; an error or a key of the wrong size fails with ErrKey.
func WithKeyFunc(fetch func(keyID string) ([]byte, error)) Option {
	return func(c *openConfig) { c.keyFn = fetch }
}

// WithKeyFile reads the key of a sealed model from a file (32 raw bytes or 64 hex digits).
func WithKeyFile(path string) Option { return func(c *openConfig) { c.keyFile = path } }

// WithPassphrase derives the key of a sealed model from a passphrase (the file's KDF).
func WithPassphrase(p string) Option { return func(c *openConfig) { c.passphrase = p } }

//export lokaGoKey
func lokaGoKey(keyID *C.char, key *C.uint8_t, n C.size_t, user unsafe.Pointer) C.int32_t {
	fetch := cgo.Handle(uintptr(user)).Value().(func(string) ([]byte, error))
	k, err := fetch(C.GoString(keyID))
	if err != nil || len(k) != int(n) {
		return 1
	}
	copy(unsafe.Slice((*byte)(unsafe.Pointer(key)), int(n)), k)
	return 0
}

// Model is a loaded model. Its methods are safe for concurrent use; Generate and Chat take
// a session from a pool, so concurrent calls run in parallel.
type Model struct {
	mu       sync.RWMutex // read-held during C calls on h, so that Close waits for them
	h        *C.loka_model
	poolMu   sync.Mutex
	idle     []*Session // sessions Generate/Chat reuse (their caches keep shared prefixes)
}

// Open loads a Hugging Face folder or a GGUF file.
func Open(path string, opts ...Option) (*Model, error) {
	cfg := openConfig{device: "cpu", mmap: true}
	for _, o := range opts {
		o(&cfg)
	}
	var p C.loka_model_params // the defaults, sized by the loka.h this binding was built with
	if err := fromStatus(C.loka_model_params_init(&p, C.size_t(unsafe.Sizeof(p)))); err != nil {
		return nil, err
	}
	cdev := C.CString(cfg.device)
	defer C.free(unsafe.Pointer(cdev))
	p.device = cdev
	p.threads = C.int32_t(cfg.threads)
	p.use_mmap = boolInt(cfg.mmap)
	p.use_mlock = boolInt(cfg.mlock)
	var keyHandle C.uintptr_t
	if cfg.keyFn != nil {
		h := cgo.NewHandle(cfg.keyFn) // C gets a number; the callback runs during the load only
		defer h.Delete()
		keyHandle = C.uintptr_t(h)
	}
	if cfg.keyFile != "" {
		p.key_file = C.CString(cfg.keyFile)
		defer C.free(unsafe.Pointer(p.key_file))
	}
	if cfg.passphrase != "" {
		p.passphrase = C.CString(cfg.passphrase)
		defer C.free(unsafe.Pointer(p.passphrase))
	}
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	var h *C.loka_model
	if err := fromStatus(C.loka_go_model_load(cpath, &p, keyHandle, &h)); err != nil {
		return nil, err
	}
	m := &Model{h: h}
	runtime.SetFinalizer(m, func(m *Model) { m.Close() }) // a safety net: call Close
	return m, nil
}

// Close frees the model and its pooled sessions; sessions from NewSession keep it alive
// until they are closed. Closing twice is fine.
func (m *Model) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.poolMu.Lock()
	for _, s := range m.idle {
		s.Close()
	}
	m.idle = nil
	m.poolMu.Unlock()
	if m.h != nil {
		C.loka_model_free(m.h)
		m.h = nil
	}
	runtime.SetFinalizer(m, nil)
	return nil
}

// with runs f on the C model, which Close cannot free meanwhile (loka's model calls are
// thread-safe, so many may run at once).
func (m *Model) with(f func(h *C.loka_model) error) error {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.h == nil {
		return invalid("loka: the model is closed")
	}
	return f(m.h)
}

// In-package test: the binding's params structs come from loka_*_params_init with this binding's struct size.
package loka

import (
	"testing"
	"unsafe"
)

func TestParamsInitUsesOurStructSize(t *testing.T) {
	p, free, err := newParams([]GenerateOption{WithMaxTokens(3), WithStop("x")})
	if err != nil {
		t.Fatalf("newParams: %v", err)
	}
	defer free()
	if got, want := uint64(p.c.struct_size), uint64(unsafe.Sizeof(p.c)); got != want {
		t.Errorf("struct_size = %d, want %d", got, want)
	}
	if p.c.max_tokens != 3 || p.c.stop_count != 1 || p.c.ignore_eos != 0 {
		t.Errorf("params = %+v: options not applied over the defaults", p.c)
	}
}

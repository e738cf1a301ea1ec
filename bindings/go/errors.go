// Errors of the loka Go binding: the C status code and message; errors.Is matches the code.
package loka

// #include "shim.h"
import "C"

import "fmt"

// Code is a loka_code. A Code is itself an error, so that errors.Is(err, loka.ErrNotFound) works.
type Code int

// The status codes of loka.h.
const (
	ErrInvalidArgument Code = 1 // the caller passed something unusable
	ErrNotFound        Code = 2 // file, tensor, key or backend missing
	ErrIO              Code = 3 // the OS refused (open, read, mmap)
	ErrFormat          Code = 4 // a file is malformed or truncated
	ErrUnsupported     Code = 5 // valid request this build cannot do
	ErrUnavailable     Code = 6 // a component (e.g. the CUDA backend) is not present
	ErrOutOfMemory     Code = 7
	ErrInternal        Code = 8  // a bug in loka
	ErrKey             Code = 9  // no key, or the wrong key, for a sealed model file
	ErrIntegrity       Code = 10 // a sealed file failed authentication
)

var codeNames = map[Code]string{
	ErrInvalidArgument: "invalid argument", ErrNotFound: "not found", ErrIO: "I/O error",
	ErrFormat: "format error", ErrUnsupported: "unsupported", ErrUnavailable: "unavailable",
	ErrOutOfMemory: "out of memory", ErrInternal: "internal error", ErrKey: "key error",
	ErrIntegrity: "integrity error",
}

func (c Code) Error() string {
	if n, ok := codeNames[c]; ok {
		return "loka: " + n
	}
	return fmt.Sprintf("loka: status %d", int(c))
}

// Error is a failed loka call: the status code and the C message (which names the file,
// field or argument at fault).
type Error struct {
	Code    Code
	Message string
}

func (e *Error) Error() string { return e.Message }

// Is reports whether target is this error's Code.
func (e *Error) Is(target error) bool {
	c, ok := target.(Code)
	return ok && c == e.Code
}

// Unwrap gives the Code, so errors.Is works through wrapping too.
func (e *Error) Unwrap() error { return e.Code }

// fromStatus turns a loka_status* into an error (nil for NULL) and frees it.
func fromStatus(s *C.loka_status) error {
	if s == nil {
		return nil
	}
	defer C.loka_status_free(s)
	return &Error{Code: Code(C.loka_status_code(s)), Message: C.GoString(C.loka_status_message(s))}
}

func invalid(msg string) error { return &Error{Code: ErrInvalidArgument, Message: msg} }

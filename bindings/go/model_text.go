// Model facts and text: Info, Tokenize, Detokenize, ApplyChatTemplate.
package loka

// #include "shim.h"
import "C"

import "unsafe"

// Info is what loka_model_get_info reports.
type Info struct {
	Architecture, Format, WeightDType                        string
	Parameters, VocabSize, ContextLength, HiddenSize, Layers int64
}

// Info describes the model.
func (m *Model) Info() (Info, error) {
	var out Info
	err := m.with(func(h *C.loka_model) error {
		var i C.loka_model_info
		i.struct_size = C.size_t(unsafe.Sizeof(i))
		if err := fromStatus(C.loka_model_get_info(h, &i)); err != nil {
			return err
		}
		out = Info{C.GoString(i.architecture), C.GoString(i.format), C.GoString(i.weight_dtype),
			int64(i.parameters), int64(i.vocab_size), int64(i.context_length), int64(i.hidden_size),
			int64(i.layers)}
		return nil
	})
	return out, err
}

// Tokenize turns text into token ids; addSpecial adds BOS/EOS as the model config says.
func (m *Model) Tokenize(text string, addSpecial bool) ([]int32, error) {
	var out []int32
	err := m.with(func(h *C.loka_model) error {
		ctext := C.CString(text)
		defer C.free(unsafe.Pointer(ctext))
		var ids *C.int32_t
		var n C.size_t
		if err := fromStatus(C.loka_tokenize(h, ctext, C.size_t(len(text)), boolInt(addSpecial), 1, &ids, &n)); err != nil {
			return err
		}
		defer C.loka_free(unsafe.Pointer(ids))
		out = make([]int32, int(n))
		if n > 0 {
			copy(out, unsafe.Slice((*int32)(unsafe.Pointer(ids)), int(n)))
		}
		return nil
	})
	return out, err
}

// Detokenize turns token ids into text.
func (m *Model) Detokenize(ids []int32) (string, error) {
	var out string
	err := m.with(func(h *C.loka_model) error {
		var text *C.char
		var n C.size_t
		if err := fromStatus(C.loka_detokenize(h, int32Ptr(ids), C.size_t(len(ids)), 0, &text, &n)); err != nil {
			return err
		}
		defer C.loka_free(unsafe.Pointer(text))
		out = C.GoStringN(text, C.int(n))
		return nil
	})
	return out, err
}

// Message is one turn of a conversation.
type Message struct {
	Role    string // "system", "user", "assistant", ...
	Content string
}

// ApplyChatTemplate renders messages with the model's chat template (with the assistant's
// generation prompt).
func (m *Model) ApplyChatTemplate(messages []Message) (string, error) {
	var out string
	err := m.with(func(h *C.loka_model) error {
		cm, free := cMessages(messages)
		defer free()
		var text *C.char
		if err := fromStatus(C.loka_apply_chat_template(h, cm, C.size_t(len(messages)), 1, &text)); err != nil {
			return err
		}
		defer C.loka_free(unsafe.Pointer(text))
		out = C.GoString(text)
		return nil
	})
	return out, err
}

// cMessages copies messages into C memory (freed by the returned function).
func cMessages(messages []Message) (*C.loka_chat_message, func()) {
	n := len(messages)
	if n == 0 {
		return nil, func() {}
	}
	arr := (*C.loka_chat_message)(C.calloc(C.size_t(n), C.size_t(unsafe.Sizeof(C.loka_chat_message{}))))
	s := unsafe.Slice(arr, n)
	for i, msg := range messages {
		s[i].role = C.CString(msg.Role)
		s[i].content = C.CString(msg.Content)
	}
	return arr, func() {
		for i := range s {
			C.free(unsafe.Pointer(s[i].role))
			C.free(unsafe.Pointer(s[i].content))
		}
		C.free(unsafe.Pointer(arr))
	}
}

func boolInt(b bool) C.int32_t {
	if b {
		return 1
	}
	return 0
}

func int32Ptr(ids []int32) *C.int32_t {
	if len(ids) == 0 {
		return nil
	}
	return (*C.int32_t)(unsafe.Pointer(&ids[0]))
}

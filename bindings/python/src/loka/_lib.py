# Loads libloka_c and declares the C ABI of loka.h for ctypes; nothing here has logic of its own.
from __future__ import annotations

import ctypes
import ctypes.util
import os
from pathlib import Path
from typing import Any, Callable

_HERE = Path(__file__).resolve().parent
_SONAME = "libloka_c.so.1"


def _candidates() -> list[str]:
    env = os.environ.get("LOKA_LIBRARY")
    if env:
        return [env]  # explicit: no fallback that could hide a wrong path
    out = [str(_HERE / _SONAME)]  # bundled into the wheel
    found = ctypes.util.find_library("loka_c")
    out += [found] if found else []
    out.append(_SONAME)  # the system loader's own search (LD_LIBRARY_PATH, ld.so.cache)
    return out


def _load() -> ctypes.CDLL:
    errors = []
    for path in _candidates():
        if os.sep in path and not os.path.exists(path):
            errors.append(f"{path}: no such file")
            continue
        try:
            return ctypes.CDLL(path)  # CDLL (not PyDLL): every call releases the GIL
        except OSError as e:
            errors.append(str(e))
    raise ImportError("loka: cannot load libloka_c (set LOKA_LIBRARY to its path, or pip install "
                      "the package so that it bundles one): " + "; ".join(errors))


lib = _load()

c_int32, c_int64, c_size, c_float, c_double = (ctypes.c_int32, ctypes.c_int64, ctypes.c_size_t,
                                               ctypes.c_float, ctypes.c_double)
c_char_p, c_void_p = ctypes.c_char_p, ctypes.c_void_p

PROGRESS_FN = ctypes.CFUNCTYPE(None, c_double, c_void_p)
TOKEN_FN = ctypes.CFUNCTYPE(c_int32, ctypes.POINTER(ctypes.c_char), c_size, c_void_p)
KEY_FN = ctypes.CFUNCTYPE(c_int32, c_char_p, ctypes.POINTER(ctypes.c_uint8), c_size, c_void_p)


class ModelParams(ctypes.Structure):
    _fields_ = [("struct_size", c_size), ("device", c_char_p), ("threads", c_int32),
                ("use_mmap", c_int32), ("use_mlock", c_int32), ("progress", PROGRESS_FN),
                ("progress_user_data", c_void_p),
                # sealed models (#6): at most one key source
                ("key_fn", KEY_FN), ("key_user_data", c_void_p), ("key_file", c_char_p),
                ("passphrase", c_char_p)]


class ModelInfo(ctypes.Structure):
    _fields_ = [("struct_size", c_size), ("architecture", c_char_p), ("format", c_char_p),
                ("weight_dtype", c_char_p), ("parameters", c_int64), ("vocab_size", c_int64),
                ("context_length", c_int64), ("hidden_size", c_int64), ("layers", c_int64)]


class ChatMessage(ctypes.Structure):
    _fields_ = [("role", c_char_p), ("content", c_char_p)]


class SessionParams(ctypes.Structure):
    _fields_ = [("struct_size", c_size), ("context_length", c_int64)]


class GenerateParams(ctypes.Structure):
    _fields_ = [("struct_size", c_size), ("max_tokens", c_int32), ("temperature", c_float),
                ("top_k", c_int32), ("top_p", c_float), ("min_p", c_float),
                ("repeat_penalty", c_float), ("presence_penalty", c_float),
                ("frequency_penalty", c_float), ("penalty_last_n", c_int32),
                ("seed", ctypes.c_uint64), ("stop", ctypes.POINTER(c_char_p)),
                ("stop_count", c_size), ("ignore_eos", c_int32)]


class Stats(ctypes.Structure):
    _fields_ = [("struct_size", c_size), ("prompt_tokens", c_int64), ("cached_tokens", c_int64),
                ("generated_tokens", c_int64), ("time_to_first_token_ms", c_double),
                ("prefill_tokens_per_s", c_double), ("decode_tokens_per_s", c_double),
                ("stop_reason", c_int32)]


def defaults(struct_type: type[ctypes.Structure], init: Callable[[Any, int], Any]) -> Any:
    """A params struct holding the library's defaults: loka_*_params_init writes exactly
    sizeof(struct_type) bytes (a newer library defaults the fields we do not know when it
    reads the struct, an older one ignores the ones it does not know)."""
    from ._errors import check  # _errors imports this module

    out = struct_type()
    check(init(ctypes.byref(out), ctypes.sizeof(out)))
    return out


def _fn(name: str, restype: Any, *argtypes: Any) -> None:
    f = getattr(lib, name)
    f.restype = restype
    f.argtypes = list(argtypes)


P = ctypes.POINTER
_status = c_void_p  # loka_status*: NULL (None) on success
_fn("loka_status_code", ctypes.c_int, c_void_p)
_fn("loka_status_message", c_char_p, c_void_p)
_fn("loka_status_free", None, c_void_p)
_fn("loka_version", c_char_p)
_fn("loka_free", None, c_void_p)
_fn("loka_model_params_init", _status, c_void_p, c_size)
_fn("loka_model_load", _status, c_char_p, P(ModelParams), P(c_void_p))
_fn("loka_model_free", None, c_void_p)
_fn("loka_model_get_info", _status, c_void_p, P(ModelInfo))
_fn("loka_tokenize", _status, c_void_p, c_char_p, c_size, c_int32, c_int32, P(P(c_int32)), P(c_size))
_fn("loka_detokenize", _status, c_void_p, P(c_int32), c_size, c_int32, P(c_void_p), P(c_size))
_fn("loka_apply_chat_template", _status, c_void_p, P(ChatMessage), c_size, c_int32, P(c_void_p))
_fn("loka_session_params_init", _status, c_void_p, c_size)
_fn("loka_session_create", _status, c_void_p, P(SessionParams), P(c_void_p))
_fn("loka_session_free", None, c_void_p)
_fn("loka_session_reset", _status, c_void_p)
_fn("loka_session_cancel", None, c_void_p)
_fn("loka_generate_params_init", _status, c_void_p, c_size)
_fn("loka_generate", _status, c_void_p, c_char_p, P(GenerateParams), TOKEN_FN, c_void_p, P(Stats))
_fn("loka_generate_tokens", _status, c_void_p, P(c_int32), c_size, P(GenerateParams), TOKEN_FN,
    c_void_p, P(Stats))
_fn("loka_chat", _status, c_void_p, P(ChatMessage), c_size, P(GenerateParams), TOKEN_FN, c_void_p,
    P(Stats))
_fn("loka_session_get_logits", _status, c_void_p, P(c_float), c_size, P(c_size))

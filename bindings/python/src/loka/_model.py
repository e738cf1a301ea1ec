# loka.Model: loading, info, tokenization and chat templates, plus generation on a default session.
from __future__ import annotations

import ctypes
import os
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterator, Sequence

from . import _lib
from ._errors import InvalidArgumentError, check
from ._session import Message, Session, Stats, chat_messages

if TYPE_CHECKING:
    import numpy

lib = _lib.lib


@dataclass(frozen=True)
class ModelInfo:
    """What loka_model_get_info reports."""
    architecture: str
    format: str  # "safetensors" or "gguf"
    weight_dtype: str
    parameters: int
    vocab_size: int
    context_length: int
    hidden_size: int
    layers: int


def _take_string(ptr: ctypes.c_void_p, length: int | None = None) -> str:
    try:
        addr = ptr.value or 0
        raw = ctypes.string_at(addr, length) if length is not None else ctypes.string_at(addr)
        return raw.decode("utf-8", "replace")
    finally:
        lib.loka_free(ptr)


def _key_callback(key: bytes | str | Callable[[str], bytes | None]) -> Any:
    """A loka_key_fn handing the key over (the library wipes its copy after use)."""
    if isinstance(key, str):
        try:
            key = bytes.fromhex(key)
        except ValueError:
            raise InvalidArgumentError("key: a str key must be 64 hex digits", 1) from None
    fetch = key if callable(key) else (lambda _key_id, k=key: k)
    if not callable(key) and len(key) != 32:
        raise InvalidArgumentError(f"key: {len(key)} bytes, a sealed model needs 32", 1)

    def on_key(key_id: bytes | None, out: Any, length: int, _user: Any) -> int:
        try:
            value = fetch((key_id or b"").decode("utf-8", "replace"))
        except Exception:  # noqa: BLE001 - no key: the load fails with LOKA_KEY
            return 1
        if value is None or len(value) != length:
            return 1
        ctypes.memmove(out, bytes(value), length)
        return 0

    return _lib.KEY_FN(on_key)


class Model:
    """A loaded model: a Hugging Face folder or a GGUF file.

    ``with loka.Model(path) as model: print(model.generate("Once", max_tokens=20))``.
    Thread-safe: tokenization, templates and separate sessions (``model.session()``) may be
    used from many threads; the convenience methods generate/stream/chat share one default
    session, so concurrent calls to them wait for each other.
    """

    def __init__(self, path: str | os.PathLike[str], device: str = "cpu", threads: int = 0,
                 key: bytes | str | Callable[[str], bytes | None] | None = None,
                 key_file: str | os.PathLike[str] | None = None, passphrase: str | None = None,
                 use_mmap: bool = True, use_mlock: bool = False,
                 progress: Callable[[float], None] | None = None) -> None:
        """Loads ``path``: a Hugging Face folder, a GGUF file, or a sealed (.lks) container
        of either, opened with one key source: ``key`` (32 bytes, 64 hex digits, or a
        callable key_id -> 32 bytes or None), ``key_file`` or ``passphrase``. A missing or
        wrong key raises ModelKeyError; a damaged sealed file IntegrityError."""
        self._handle: int | None = None
        params = _lib.defaults(_lib.ModelParams, lib.loka_model_params_init)
        params.device = device.encode("utf-8")
        params.threads = threads
        params.use_mmap = int(use_mmap)
        params.use_mlock = int(use_mlock)
        if progress is not None:
            params.progress = _lib.PROGRESS_FN(lambda fraction, _user: progress(fraction))
        if key is not None:
            params.key_fn = _key_callback(key)
        if key_file is not None:
            params.key_file = os.fsencode(key_file)
        if passphrase is not None:
            params.passphrase = passphrase.encode("utf-8")
        handle = ctypes.c_void_p()
        check(lib.loka_model_load(os.fsencode(path), ctypes.byref(params), ctypes.byref(handle)))
        self._handle = handle.value
        self._default: Session | None = None
        self._default_lock = threading.Lock()
        self._info: ModelInfo | None = None

    # ---- lifetime
    def close(self) -> None:
        """Frees the model now. Sessions made by session() keep working until they close."""
        with self._default_lock:
            if self._default is not None:
                self._default.close()
                self._default = None
        handle, self._handle = self._handle, None
        if handle:
            lib.loka_model_free(handle)

    def __enter__(self) -> Model:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        handle, self._handle = getattr(self, "_handle", None), None
        if handle:
            lib.loka_model_free(handle)  # the default session keeps the C model alive if open

    def _handle_or_raise(self) -> int:
        if self._handle is None:
            raise InvalidArgumentError("the model is closed", 1)
        return self._handle

    # ---- model facts and text
    @property
    def info(self) -> ModelInfo:
        if self._info is None:
            i = _lib.ModelInfo()
            i.struct_size = ctypes.sizeof(i)
            check(lib.loka_model_get_info(self._handle_or_raise(), ctypes.byref(i)))
            def s(b: bytes | None) -> str:
                return (b or b"").decode("utf-8", "replace")

            self._info = ModelInfo(s(i.architecture), s(i.format), s(i.weight_dtype), i.parameters,
                                   i.vocab_size, i.context_length, i.hidden_size, i.layers)
        return self._info

    def tokenize(self, text: str, add_special: bool = True, parse_special: bool = True) -> list[int]:
        """Text -> token ids (BOS/EOS as the model config says when add_special)."""
        data = text.encode("utf-8")
        ids = ctypes.POINTER(ctypes.c_int32)()
        count = ctypes.c_size_t()
        check(lib.loka_tokenize(self._handle_or_raise(), data, len(data), int(add_special),
                                int(parse_special), ctypes.byref(ids), ctypes.byref(count)))
        try:
            return ids[:count.value]
        finally:
            lib.loka_free(ids)

    def detokenize(self, ids: Sequence[int], skip_special: bool = False) -> str:
        """Token ids -> text."""
        arr = (ctypes.c_int32 * max(1, len(ids)))(*ids)
        out, length = ctypes.c_void_p(), ctypes.c_size_t()
        check(lib.loka_detokenize(self._handle_or_raise(), arr, len(ids), int(skip_special),
                                  ctypes.byref(out), ctypes.byref(length)))
        return _take_string(out, length.value)

    def apply_chat_template(self, messages: Sequence[Message],
                            add_generation_prompt: bool = True) -> str:
        """The prompt the model's chat template makes of ``messages``."""
        arr, n = chat_messages(messages)
        out = ctypes.c_void_p()
        check(lib.loka_apply_chat_template(self._handle_or_raise(), arr, n,
                                           int(add_generation_prompt), ctypes.byref(out)))
        return _take_string(out)

    # ---- sessions and generation
    def session(self, context_length: int = 0) -> Session:
        """A new session (its own KV cache); 0 = the model's context length."""
        return Session(self, context_length)

    def _session(self) -> Session:
        with self._default_lock:
            if self._default is None:
                self._default = Session(self)
            return self._default

    def generate(self, prompt: str | Sequence[int], **options: Any) -> str:
        """See Session.generate (runs on the model's default session)."""
        return self._session().generate(prompt, **options)

    def stream(self, prompt: str | Sequence[int], **options: Any) -> Iterator[str]:
        """See Session.stream (runs on the model's default session)."""
        return self._session().stream(prompt, **options)

    def chat(self, messages: Sequence[Message], **options: Any) -> str:
        """See Session.chat (runs on the model's default session)."""
        return self._session().chat(messages, **options)

    def stream_chat(self, messages: Sequence[Message], **options: Any) -> Iterator[str]:
        """See Session.stream_chat (runs on the model's default session)."""
        return self._session().stream_chat(messages, **options)

    def logits(self) -> numpy.ndarray:
        """Logits of the default session's last step (see Session.logits)."""
        return self._session().logits()

    @property
    def last_stats(self) -> Stats | None:
        """Statistics of the default session's last request."""
        return self._default.last_stats if self._default is not None else None

    def cancel(self) -> None:
        """Stops the request running on the default session (from any thread)."""
        if self._default is not None:
            self._default.cancel()

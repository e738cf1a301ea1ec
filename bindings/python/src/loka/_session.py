# loka.Session: generation over loka_generate/loka_chat in a worker thread, streamed to the caller, cancellable.
from __future__ import annotations

import ctypes
import queue
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Callable, Iterable, Iterator, Mapping, Sequence, Union

from . import _lib
from ._errors import InvalidArgumentError, check

if TYPE_CHECKING:
    import numpy
    from ._model import Model

lib = _lib.lib
Message = Union[Mapping[str, str], Sequence[str]]  # {"role": ..., "content": ...} or (role, content)

STOP_REASONS = ("eos", "stop_string", "max_tokens", "context_full", "callback", "cancelled")
_CANCELLED = 5
_DONE = object()


@dataclass(frozen=True)
class Stats:
    """Statistics of one request (loka_stats)."""
    prompt_tokens: int
    cached_tokens: int  # prompt tokens reused from the session's cache
    generated_tokens: int
    time_to_first_token_ms: float
    prefill_tokens_per_s: float
    decode_tokens_per_s: float
    stop_reason: str  # one of STOP_REASONS


def generate_params(max_tokens: int | None = None, temperature: float | None = None,
                    top_k: int | None = None, top_p: float | None = None,
                    min_p: float | None = None, repeat_penalty: float | None = None,
                    presence_penalty: float | None = None, frequency_penalty: float | None = None,
                    penalty_last_n: int | None = None, seed: int | None = None,
                    stop: Iterable[str] | None = None, ignore_eos: bool | None = None) -> Any:
    """loka_generate_params: the C defaults, overridden by the arguments that are not None."""
    p = _lib.defaults(_lib.GenerateParams, lib.loka_generate_params_init)
    given = dict(max_tokens=max_tokens, temperature=temperature, top_k=top_k, top_p=top_p,
                 min_p=min_p, repeat_penalty=repeat_penalty, presence_penalty=presence_penalty,
                 frequency_penalty=frequency_penalty, penalty_last_n=penalty_last_n, seed=seed)
    for name, value in given.items():
        if value is not None:
            setattr(p, name, value)
    if ignore_eos is not None:
        p.ignore_eos = int(bool(ignore_eos))
    if stop is not None:
        if isinstance(stop, str):
            stop = [stop]
        encoded = [s.encode("utf-8") for s in stop]
        p._stop_keep = (ctypes.c_char_p * len(encoded))(*encoded)  # lives as long as p
        p.stop = ctypes.cast(p._stop_keep, ctypes.POINTER(ctypes.c_char_p))
        p.stop_count = len(encoded)
    return p


def chat_messages(messages: Sequence[Message]) -> Any:
    """A loka_chat_message array (its strings kept alive by the array object)."""
    pairs = []
    for i, m in enumerate(messages):
        role, content = (m["role"], m["content"]) if isinstance(m, Mapping) else m
        if not isinstance(role, str) or not isinstance(content, str):
            raise InvalidArgumentError(f"messages[{i}]: role and content must be str", 1)
        pairs.append((role.encode("utf-8"), content.encode("utf-8")))
    arr = (_lib.ChatMessage * max(1, len(pairs)))(*[_lib.ChatMessage(r, c) for r, c in pairs])
    return arr, len(pairs)


class Session:
    """One conversation (a KV cache and a sampler) over a model.

    A prompt that extends what the session already holds only runs the new tokens. A session
    serves one request at a time (others wait); use one session per thread for parallel work.
    """

    def __init__(self, model: Model, context_length: int = 0) -> None:
        self._model = model
        params = _lib.defaults(_lib.SessionParams, lib.loka_session_params_init)
        params.context_length = context_length
        handle = ctypes.c_void_p()
        check(lib.loka_session_create(model._handle_or_raise(), ctypes.byref(params),
                                      ctypes.byref(handle)))
        self._handle: int | None = handle.value
        self._busy = threading.Lock()  # one request at a time
        self._last_stats: Stats | None = None

    # ---- lifetime
    def close(self) -> None:
        """Frees the session now (waits for a request running in another thread to stop)."""
        if self._handle is None:
            return
        lib.loka_session_cancel(self._handle)
        with self._busy:
            handle, self._handle = self._handle, None
        lib.loka_session_free(handle)

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        handle, self._handle = getattr(self, "_handle", None), None
        if handle:
            lib.loka_session_free(handle)

    def _handle_or_raise(self) -> int:
        if self._handle is None:
            raise InvalidArgumentError("the session is closed", 1)
        return self._handle

    # ---- generation
    def generate(self, prompt: str | Sequence[int], **options: Any) -> str:
        """The continuation of ``prompt`` (text, or token ids), as one string.

        Options (loka_generate_params): max_tokens, temperature, top_k, top_p, min_p,
        repeat_penalty, presence_penalty, frequency_penalty, penalty_last_n, seed, stop
        (list of strings), ignore_eos. KeyboardInterrupt or cancel() stops it cleanly.
        """
        return "".join(self.stream(prompt, **options))

    def stream(self, prompt: str | Sequence[int], **options: Any) -> Iterator[str]:
        """Like generate(), yielding pieces of text (whole characters) as they are produced."""
        params = generate_params(**options)
        if isinstance(prompt, str):
            text = prompt.encode("utf-8")
            return self._pieces(lambda h, cb, st: lib.loka_generate(h, text, ctypes.byref(params),
                                                                    cb, None, st))
        ids = (ctypes.c_int32 * max(1, len(prompt)))(*prompt)
        n = len(prompt)
        return self._pieces(lambda h, cb, st: lib.loka_generate_tokens(
            h, ids, n, ctypes.byref(params), cb, None, st))

    def chat(self, messages: Sequence[Message], **options: Any) -> str:
        """The assistant's answer to ``messages`` (rendered with the model's chat template)."""
        return "".join(self.stream_chat(messages, **options))

    def stream_chat(self, messages: Sequence[Message], **options: Any) -> Iterator[str]:
        """Like chat(), yielding pieces of text as they are produced."""
        params = generate_params(**options)
        arr, n = chat_messages(messages)
        return self._pieces(lambda h, cb, st: lib.loka_chat(h, arr, n, ctypes.byref(params), cb,
                                                            None, st))

    def _pieces(self, run: Callable[[int, Any, Any], int | None]) -> Iterator[str]:
        handle = self._handle_or_raise()
        with self._busy:
            yield from self._pieces_locked(handle, run)

    def _pieces_locked(self, handle: int, run: Callable[[int, Any, Any], int | None]) -> Iterator[str]:
        # The C call runs in a worker thread (the GIL released) so that this thread stays
        # responsive to KeyboardInterrupt and can cancel it; pieces come over a queue.
        pieces: queue.SimpleQueue[object] = queue.SimpleQueue()
        consumer_gone = threading.Event()
        stats = _lib.Stats()
        stats.struct_size = ctypes.sizeof(stats)
        outcome: dict[str, Any] = {}

        def on_token(ptr: Any, n: int, _user: Any) -> int:
            pieces.put(ctypes.string_at(ptr, n))
            return 1 if consumer_gone.is_set() else 0

        callback = _lib.TOKEN_FN(on_token)

        def work() -> None:
            try:
                outcome["status"] = run(handle, callback, ctypes.byref(stats))
            except BaseException as e:  # noqa: BLE001 - handed over to the consumer
                outcome["error"] = e
            finally:
                pieces.put(_DONE)

        worker = threading.Thread(target=work, name="loka-generate", daemon=True)
        cancelled_here = False
        worker.start()
        try:
            while True:
                try:
                    item = pieces.get(timeout=0.1)
                except queue.Empty:
                    continue
                if item is _DONE:
                    break
                yield item.decode("utf-8", "replace")  # type: ignore[attr-defined]
        except BaseException:  # KeyboardInterrupt, GeneratorExit (the caller stopped reading)
            consumer_gone.set()
            if worker.is_alive():
                lib.loka_session_cancel(handle)
                cancelled_here = True
            raise
        finally:
            worker.join()
            if cancelled_here and stats.stop_reason != _CANCELLED:
                # Our cancel came after the call ended: the session would cancel the next
                # request at once. An empty request consumes it (and does nothing else).
                status = lib.loka_generate_tokens(handle, None, 0, None, _lib.TOKEN_FN(), None, None)
                lib.loka_status_free(status)  # INVALID_ARGUMENT (no tokens) when none was pending
            self._last_stats = _to_stats(stats)
        if "error" in outcome:
            raise outcome["error"]
        check(outcome.get("status"))

    # ---- state
    @property
    def last_stats(self) -> Stats | None:
        """Statistics of the last request (None before one)."""
        return self._last_stats

    def logits(self) -> numpy.ndarray:
        """Logits of the last forward step (float32, one per vocabulary entry): the
        distribution the last generated token was drawn from; with max_tokens=0, the
        next-token distribution after the prompt."""
        import numpy as np  # optional dependency: only this method needs it

        handle = self._handle_or_raise()
        count = ctypes.c_size_t()
        with self._busy:
            check(lib.loka_session_get_logits(handle, None, 0, ctypes.byref(count)))
            out = np.empty(count.value, dtype=np.float32)
            check(lib.loka_session_get_logits(
                handle, out.ctypes.data_as(ctypes.POINTER(ctypes.c_float)), out.size,
                ctypes.byref(count)))
        return out

    def reset(self) -> None:
        """Forgets the conversation held in the session's cache."""
        handle = self._handle_or_raise()
        with self._busy:
            check(lib.loka_session_reset(handle))

    def cancel(self) -> None:
        """Stops the request running in this session (callable from any thread). As in the
        C ABI, when none runs the next request returns at once."""
        if self._handle is not None:
            lib.loka_session_cancel(self._handle)


def _to_stats(s: Any) -> Stats:
    reason = STOP_REASONS[s.stop_reason] if 0 <= s.stop_reason < len(STOP_REASONS) else "unknown"
    return Stats(s.prompt_tokens, s.cached_tokens, s.generated_tokens, s.time_to_first_token_ms,
                 s.prefill_tokens_per_s, s.decode_tokens_per_s, reason)

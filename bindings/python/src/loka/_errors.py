# Exceptions of the loka package: one class per loka_code family, carrying the C message.
from __future__ import annotations

from . import _lib


class LokaError(Exception):
    """Base of every loka error. ``code`` is the loka_code, ``message`` the C message."""

    code: int = -1

    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class InvalidArgumentError(LokaError, ValueError):
    """LOKA_INVALID_ARGUMENT: an unusable argument (bad option, bad token id, ...)."""
    code = 1


class NotFoundError(LokaError, LookupError):
    """LOKA_NOT_FOUND: a file, tensor, key or backend is missing."""
    code = 2


class LokaIOError(LokaError, OSError):
    """LOKA_IO: the operating system refused (open, read, mmap)."""
    code = 3

    def __init__(self, message: str, code: int | None = None) -> None:
        LokaError.__init__(self, message, code)


class FormatError(LokaError):
    """LOKA_FORMAT: a file is malformed or truncated."""
    code = 4


class UnsupportedError(LokaError):
    """LOKA_UNSUPPORTED: a valid request this build cannot do."""
    code = 5


class UnavailableError(LokaError):
    """LOKA_UNAVAILABLE: a component (e.g. the CUDA backend) is not present."""
    code = 6


class LokaMemoryError(LokaError, MemoryError):
    """LOKA_OUT_OF_MEMORY."""
    code = 7


class InternalError(LokaError):
    """LOKA_INTERNAL: a bug in loka."""
    code = 8


class ModelKeyError(LokaError):
    """LOKA_KEY: no key, or the wrong key, for a sealed model file."""
    code = 9


class IntegrityError(LokaError):
    """LOKA_INTEGRITY: a sealed file failed authentication (damaged or tampered with)."""
    code = 10


_BY_CODE: dict[int, type[LokaError]] = {
    c.code: c for c in (InvalidArgumentError, NotFoundError, LokaIOError, FormatError,
                        UnsupportedError, UnavailableError, LokaMemoryError, InternalError,
                        ModelKeyError, IntegrityError)
}


def check(status: int | None) -> None:
    """Raises the exception for a loka_status* (and frees it); returns for NULL."""
    if not status:
        return
    try:
        code = int(_lib.lib.loka_status_code(status))
        message = (_lib.lib.loka_status_message(status) or b"").decode("utf-8", "replace")
    finally:
        _lib.lib.loka_status_free(status)
    raise _BY_CODE.get(code, LokaError)(message, code)

"""loka: run language models in-process through loka's C ABI (libloka_c).

    import loka
    with loka.Model("examples/models/austen-6m") as model:
        for piece in model.stream("It is a truth", max_tokens=40):
            print(piece, end="", flush=True)
"""
from __future__ import annotations

from ._errors import (FormatError, IntegrityError, InternalError, InvalidArgumentError, LokaError,
                      LokaIOError, LokaMemoryError, ModelKeyError, NotFoundError, UnavailableError,
                      UnsupportedError)
from ._lib import lib as _c
from ._model import Model, ModelInfo
from ._session import STOP_REASONS, Session, Stats

__all__ = ["Model", "ModelInfo", "Session", "Stats", "STOP_REASONS", "version", "LokaError",
           "InvalidArgumentError", "NotFoundError", "LokaIOError", "FormatError", "UnsupportedError",
           "UnavailableError", "LokaMemoryError", "InternalError", "ModelKeyError", "IntegrityError"]

__version__ = "0.1.0"


def version() -> str:
    """The version of the loaded libloka_c (loka_version())."""
    return str(_c.loka_version().decode())

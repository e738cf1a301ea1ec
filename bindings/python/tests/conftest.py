# pytest fixtures of the loka Python bindings: the bundled demo model, loaded once per module.
from __future__ import annotations

import os
from pathlib import Path

import pytest

import loka

DEMO = Path(os.environ.get("LOKA_DEMO_MODEL",
                           Path(__file__).resolve().parents[3] / "examples/models/austen-6m"))


@pytest.fixture(scope="module")
def model():
    with loka.Model(DEMO, threads=1) as m:
        yield m

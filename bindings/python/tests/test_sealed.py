# Sealed models (#6): the demo model sealed by the `loka` CLI ($LOKA_CLI) loads with its key, and key errors map to ModelKeyError.
from __future__ import annotations

import os
import subprocess

import pytest

import loka
from conftest import DEMO

PROMPT = "It is a truth universally acknowledged"


@pytest.fixture(scope="module")
def sealed(tmp_path_factory):
    cli = os.environ.get("LOKA_CLI")
    if not cli:
        pytest.skip("LOKA_CLI (the loka program, to seal the demo model) is not set")
    d = tmp_path_factory.mktemp("sealed")
    key = d / "demo.key"
    r = subprocess.run([cli, "keygen", str(key)], capture_output=True, text=True)
    if r.returncode != 0:
        pytest.skip(f"this loka program cannot make keys: {r.stderr.strip()}")
    path = d / "demo.lks"
    subprocess.run([cli, "seal", "-m", str(DEMO), "-o", str(path), "--key-file", str(key)],
                   check=True, capture_output=True)
    return path, key, bytes.fromhex(key.read_text().strip())


def plain_text():
    with loka.Model(DEMO) as m:
        return m.generate(PROMPT, max_tokens=16, temperature=0)


def test_sealed_model_loads_with_each_key_source(sealed):
    path, key_file, key = sealed
    expected = plain_text()
    seen_ids = []

    def fetch(key_id):
        seen_ids.append(key_id)
        return key

    for kwargs in ({"key_file": key_file}, {"key": key}, {"key": key.hex()}, {"key": fetch}):
        with loka.Model(path, **kwargs) as m:
            assert m.generate(PROMPT, max_tokens=16, temperature=0) == expected, kwargs
    assert seen_ids and all(isinstance(k, str) for k in seen_ids)


def test_wrong_or_missing_key_is_model_key_error(sealed):
    path, _, key = sealed
    wrong = bytes(b ^ 1 for b in key)
    with pytest.raises(loka.ModelKeyError) as e:
        loka.Model(path, key=wrong)
    assert e.value.code == 9 and str(e.value)
    with pytest.raises(loka.ModelKeyError):
        loka.Model(path)
    with pytest.raises(loka.ModelKeyError):
        loka.Model(path, key=lambda key_id: None)


def test_damaged_sealed_file_is_integrity_error(sealed, tmp_path):
    path, key_file, _ = sealed
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x40
    bad = tmp_path / "damaged.lks"
    bad.write_bytes(bytes(data))
    with pytest.raises(loka.IntegrityError) as e:
        loka.Model(bad, key_file=key_file)
    assert str(e.value)

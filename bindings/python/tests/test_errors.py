# Errors from bad input surface as the loka exception of their status family, with the C message.
from __future__ import annotations

import pytest

import loka
from conftest import DEMO


def test_missing_file_is_not_found():
    with pytest.raises(loka.NotFoundError) as e:
        loka.Model("/no/such/model")
    assert "/no/such/model" in str(e.value)
    assert e.value.code == 2
    assert isinstance(e.value, loka.LokaError)


def test_malformed_file_is_format_error(tmp_path):
    bad = tmp_path / "bad.gguf"
    bad.write_bytes(b"GGUF\x03\x00\x00\x00garbage")
    with pytest.raises(loka.FormatError) as e:
        loka.Model(bad)
    assert "bad.gguf" in str(e.value)


def test_bad_device_names_the_device():
    with pytest.raises(loka.LokaError) as e:
        loka.Model(DEMO, device="tpu:7")
    assert "tpu" in str(e.value)


def test_invalid_params_are_value_errors(model):
    with pytest.raises(loka.InvalidArgumentError) as e:
        model.generate([5, 99999], max_tokens=1)
    assert "99999" in str(e.value)
    assert isinstance(e.value, ValueError)
    with pytest.raises(loka.InvalidArgumentError):
        model.session(context_length=-1)
    with pytest.raises(loka.InvalidArgumentError):
        model.chat([{"role": "user", "content": 3}])


def test_logits_before_generation_is_not_found(model):
    with model.session() as s:
        with pytest.raises(loka.NotFoundError) as e:
            s.logits()
        assert "not generated" in str(e.value)


def test_bad_key_arguments_are_value_errors():
    with pytest.raises(loka.InvalidArgumentError):
        loka.Model(DEMO, key=b"short")
    with pytest.raises(loka.InvalidArgumentError):
        loka.Model(DEMO, key="not hex")

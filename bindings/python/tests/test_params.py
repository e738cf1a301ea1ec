# The binding's params structs come from loka_*_params_init sized by this binding's ctypes layout.
from __future__ import annotations

import ctypes

import pytest

import loka
from loka import _lib

_CANARY = 0xA5
_STRUCTS = [(_lib.ModelParams, _lib.lib.loka_model_params_init),
            (_lib.SessionParams, _lib.lib.loka_session_params_init),
            (_lib.GenerateParams, _lib.lib.loka_generate_params_init)]


@pytest.mark.parametrize("struct_type,init", _STRUCTS)
def test_init_writes_exactly_our_struct(struct_type, init):
    size = ctypes.sizeof(struct_type)
    buf = ctypes.create_string_buffer(bytes([_CANARY]) * (size + 64), size + 64)
    assert init(buf, size) is None
    assert buf.raw[size:] == bytes([_CANARY]) * 64
    assert ctypes.c_size_t.from_buffer(buf).value == size
    params = _lib.defaults(struct_type, init)
    assert params.struct_size == size
    assert bytes(params)[8:] == buf.raw[8:size]


def test_defaults_match_loka_h():
    m = _lib.defaults(_lib.ModelParams, _lib.lib.loka_model_params_init)
    assert m.use_mmap == 1 and m.device is None and not m.key_fn
    g = _lib.defaults(_lib.GenerateParams, _lib.lib.loka_generate_params_init)
    assert g.stop_count == 0 and not g.stop and g.ignore_eos == 0


def test_too_small_struct_size_is_a_value_error():
    with pytest.raises(loka.InvalidArgumentError) as e:
        _lib.defaults(type("Tiny", (ctypes.Structure,), {"_fields_": [("x", ctypes.c_int32)]}),
                      _lib.lib.loka_generate_params_init)
    assert "loka_generate_params_init" in str(e.value)
    assert "struct_size 4 is smaller than 8" in str(e.value)

#!/usr/bin/env python3
"""Writes the safetensors test fixtures in tests/data/safetensors/ with the `safetensors`
PyPI package (an independent writer), plus manifest.json: every tensor's dtype, shape,
raw bytes (hex) and values (float64, computed here in Python) for the C++ tests.

  numpy_dtypes.safetensors  safetensors.numpy.save_file: every dtype numpy has
  raw_dtypes.safetensors    safetensors.serialize_file (the same Rust writer, the API
                            save_file calls) for dtypes numpy lacks: BF16, F8_*, F4;
                            the bytes are built here from the format definitions
  sharded/                  two shards by safetensors.numpy.save_file + an index

Run from anywhere: python3 tools/make_safetensors_fixtures.py
"""

import json
import math
import pathlib

import numpy as np
import safetensors
from safetensors import TensorSpec
from safetensors.numpy import save_file

OUT = pathlib.Path(__file__).resolve().parent.parent / "tests" / "data" / "safetensors"
RNG = np.random.default_rng(20240521)


def json_value(x):
    """float64 or int for JSON; non-finite floats become strings."""
    if isinstance(x, float):
        if math.isnan(x):
            return "nan"
        if math.isinf(x):
            return "inf" if x > 0 else "-inf"
    return x


def entry(dtype, shape, raw, values):
    return {"dtype": dtype, "shape": list(shape), "hex": raw.hex(),
            "values": [json_value(v) for v in values]}


def numpy_entry(arr):
    names = {"float64": "F64", "float32": "F32", "float16": "F16", "int64": "I64",
             "uint64": "U64", "int32": "I32", "uint32": "U32", "int16": "I16",
             "uint16": "U16", "int8": "I8", "uint8": "U8", "bool": "BOOL", "complex64": "C64"}
    flat = arr.reshape(-1)
    if arr.dtype == np.complex64:  # real, imaginary interleaved
        values = np.stack([flat.real, flat.imag], axis=-1).reshape(-1).astype(np.float64).tolist()
    elif arr.dtype.kind == "f":
        values = flat.astype(np.float64).tolist()
    else:
        values = [int(v) for v in flat]
    return entry(names[arr.dtype.name], arr.shape, arr.tobytes(), values)


def numpy_tensors():
    f32 = RNG.standard_normal((3, 5, 7)).astype(np.float32)
    f32.reshape(-1)[:4] = [np.inf, -np.inf, np.nan, -0.0]
    return {
        "f32.odd": f32,
        "f16.mat": (RNG.standard_normal((2, 9)) * 100).astype(np.float16),
        "f64.scalar": np.array(math.pi, dtype=np.float64),  # 0-d
        "f32.empty": np.zeros((0, 4), dtype=np.float32),
        "i8": np.array([-128, -1, 0, 1, 127], dtype=np.int8),
        "u8": np.arange(250, 256, dtype=np.uint8).reshape(2, 3),
        "i16": np.array([-32768, -2, 32767], dtype=np.int16),
        "u16": np.array([0, 1, 65535], dtype=np.uint16),
        "i32": np.arange(-6, 6, dtype=np.int32).reshape(2, 2, 3),
        "u32": np.array([0, 4294967295, 123456789], dtype=np.uint32),
        "i64": np.array([-(2**63), 2**63 - 1, -5], dtype=np.int64),
        "u64": np.array([0, 2**64 - 1, 2**53 + 1], dtype=np.uint64),
        "bool": np.array([[True, False, True], [False, False, True]]),
        "c64": np.array([1 + 2j, -0.5 - 4j], dtype=np.complex64),
        "model.layers.0.weight": RNG.standard_normal((1, 1, 2, 1, 3)).astype(np.float32),
    }


def minifloat(bits, exp_bits, man_bits, bias, fn_nan=None, ieee_special=False):
    """Value of one sign/exponent/mantissa code, decoded from the definition."""
    sign = -1.0 if bits >> (exp_bits + man_bits) & 1 else 1.0
    e = bits >> man_bits & ((1 << exp_bits) - 1)
    m = bits & ((1 << man_bits) - 1)
    if ieee_special and e == (1 << exp_bits) - 1:
        return sign * math.inf if m == 0 else math.nan
    if fn_nan is not None and (bits & ((1 << (exp_bits + man_bits)) - 1)) == fn_nan:
        return math.nan
    if e == 0:
        return sign * m * 2.0 ** (1 - bias - man_bits)
    return sign * (1 + m / 2**man_bits) * 2.0 ** (e - bias)


def raw_tensors():
    out = {}
    # BF16: float32 values rounded to nearest even, upper 16 bits.
    f = (RNG.standard_normal(13) * 10).astype(np.float32)
    f[:3] = [1.0, -2.5, 3.0e38]
    u = f.view(np.uint32).astype(np.uint64)
    b = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)
    vals = (b.astype(np.uint32) << 16).view(np.float32).astype(np.float64).tolist()
    out["bf16"] = ("bfloat16", [13], b.tobytes(), "BF16", vals)
    codes = np.arange(256, dtype=np.uint8)
    out["f8_e4m3"] = ("float8_e4m3fn", [16, 16], codes.tobytes(), "F8_E4M3",
                      [minifloat(c, 4, 3, 7, fn_nan=0x7F) for c in range(256)])
    out["f8_e5m2"] = ("float8_e5m2", [256], codes.tobytes(), "F8_E5M2",
                      [minifloat(c, 5, 2, 15, ieee_special=True) for c in range(256)])
    e8 = np.array([0, 1, 126, 127, 128, 254, 255], dtype=np.uint8)
    out["f8_e8m0"] = ("float8_e8m0fnu", [7], e8.tobytes(), "F8_E8M0",
                      [math.nan if c == 255 else 2.0 ** (int(c) - 127) for c in e8])
    nz = np.array([0x00, 0x80, 0x38, 0xB8], dtype=np.uint8)  # 0x80 is NaN in the fnuz formats
    out["f8_e4m3fnuz"] = ("float8_e4m3fnuz", [4], nz.tobytes(), "F8_E4M3FNUZ",
                          [0.0, math.nan, minifloat(0x38, 4, 3, 8), minifloat(0xB8, 4, 3, 8)])
    out["f8_e5m2fnuz"] = ("float8_e5m2fnuz", [4], nz.tobytes(), "F8_E5M2FNUZ",
                          [0.0, math.nan, minifloat(0x38, 5, 2, 16), minifloat(0xB8, 5, 2, 16)])
    # F4 (e2m1): two values per byte, the first in the low nibble; storage shape [2, 3]
    # of float4_e2m1fn_x2 is element shape [2, 6].
    nib = RNG.integers(0, 16, size=12)
    packed = (nib[0::2] | (nib[1::2] << 4)).astype(np.uint8)
    out["f4"] = ("float4_e2m1fn_x2", [2, 3], packed.tobytes(), "F4",
                 [minifloat(int(n), 2, 1, 1) for n in nib])
    return out


def write_raw(path):
    specs, manifest, keep = {}, {}, []
    for name, (torch_name, storage_shape, raw, dtype, values) in raw_tensors().items():
        buf = np.frombuffer(raw, dtype=np.uint8).copy()
        keep.append(buf)
        specs[name] = TensorSpec(dtype=torch_name, shape=storage_shape,
                                 data_ptr=buf.ctypes.data, data_len=buf.nbytes)
        shape = storage_shape[:-1] + [storage_shape[-1] * 2] if dtype == "F4" else storage_shape
        manifest[name] = entry(dtype, shape, raw, values)
    safetensors.serialize_file(specs, str(path), metadata={"writer": "serialize_file"})
    return {"metadata": {"writer": "serialize_file"}, "tensors": manifest}


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    manifest = {"safetensors_version": safetensors.__version__, "numpy_version": np.__version__,
                "files": {}}

    tensors = numpy_tensors()
    meta = {"format": "np", "note": "loka test fixture \u00e9\u6f22"}
    save_file(tensors, OUT / "numpy_dtypes.safetensors", metadata=meta)
    manifest["files"]["numpy_dtypes.safetensors"] = {
        "metadata": meta, "tensors": {k: numpy_entry(v) for k, v in tensors.items()}}
    manifest["files"]["raw_dtypes.safetensors"] = write_raw(OUT / "raw_dtypes.safetensors")

    shards = {
        "model-00001-of-00002.safetensors": {
            "model.embed_tokens.weight": RNG.standard_normal((11, 6)).astype(np.float32),
            "model.layers.0.self_attn.q_proj.weight":
                RNG.standard_normal((6, 6)).astype(np.float16),
            "model.layers.0.input_layernorm.weight": np.ones(6, dtype=np.float32),
        },
        "model-00002-of-00002.safetensors": {
            "model.layers.0.mlp.up_proj.weight": RNG.standard_normal((7, 6)).astype(np.float32),
            "model.norm.weight": RNG.standard_normal(6).astype(np.float64),
            "lm_head.bias": np.arange(11, dtype=np.int32),
        },
    }
    sharded = OUT / "sharded"
    sharded.mkdir(exist_ok=True)
    weight_map, total, shard_manifest = {}, 0, {}
    for shard, ts in shards.items():
        save_file(ts, sharded / shard, metadata={"format": "np"})
        shard_manifest[shard] = {"metadata": {"format": "np"},
                                 "tensors": {k: numpy_entry(v) for k, v in ts.items()}}
        for k, v in ts.items():
            weight_map[k] = shard
            total += v.nbytes
    with open(sharded / "model.safetensors.index.json", "w") as f:
        json.dump({"metadata": {"total_size": total}, "weight_map": weight_map}, f, indent=2)
    manifest["sharded"] = {"total_size": total, "shards": shard_manifest}

    with open(OUT / "manifest.json", "w") as f:
        json.dump(manifest, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()

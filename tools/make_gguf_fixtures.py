#!/usr/bin/env python3
"""Writes the GGUF test fixtures and manifests in tests/data/gguf with the `gguf` package.

The expected values come from the independent Python implementation (GGUFWriter,
GGUFReader, gguf.quants, GGML_QUANT_SIZES), never from loka:
  ggml_types.json             ggml type ids, names and block sizes from GGML_QUANT_SIZES
  vocab-manifest/NAME.json    every key of ../shared/testdata/vocab/NAME.gguf.gz (GGUFReader)
  tensors-v3-align64.gguf     every metadata type, nested arrays, 11 tensor types, alignment 64
  tensors-v2.gguf             a small file in GGUF v2 (the v3 writer's output with the
                              version field set to 2: the layouts are identical)
  NAME.gguf.json              manifest of each file: keys, values, tensors, offsets, values

Run from the repository root:  python3 tools/make_gguf_fixtures.py
Output is deterministic (fixed seed), so re-running reproduces the committed files.
"""
import argparse
import gzip
import json
import math
import os
import tempfile
import zlib

import gguf
import numpy as np
from gguf import GGMLQuantizationType as Q
from gguf import GGUFValueType as V

HEAD = 5  # strings/values kept from each end of an array
MAX_INLINE_STRING = 160  # longer strings are recorded as length + crc32 + head


def crc32(data: bytes) -> int:
    return zlib.crc32(data) & 0xFFFFFFFF


def string_list_crc(items: list[bytes]) -> int:
    """crc32 over u32le(len) + bytes of each string, so that boundaries matter."""
    c = 0
    for b in items:
        c = zlib.crc32(len(b).to_bytes(4, "little"), c)
        c = zlib.crc32(b, c)
    return c & 0xFFFFFFFF


def type_name(t: V) -> str:
    return t.name.lower()


def scalar_json(value, t: V):
    if t in (V.FLOAT32, V.FLOAT64):
        return float(value)
    if t == V.BOOL:
        return bool(value)
    return int(value)


def string_json(b: bytes) -> dict:
    if len(b) <= MAX_INLINE_STRING:
        return {"value": b.decode("utf-8")}
    return {"length": len(b), "crc32": crc32(b), "head": b[:64].decode("utf-8", "ignore")}


def field_json(key: str, f) -> dict:
    """One metadata entry as GGUFReader sees it (flat arrays only: the vocab files)."""
    t = f.types[0]
    out = {"key": key, "type": type_name(t)}
    if t == V.STRING:
        out.update(string_json(bytes(f.parts[-1])))
    elif t != V.ARRAY:
        out["value"] = scalar_json(f.parts[-1][0], t)
    else:
        et = f.types[-1]
        assert len(f.types) == 2, f"{key}: nested arrays are not expected in vocab files"
        out["elem_type"] = type_name(et)
        out["length"] = len(f.data)
        if et == V.STRING:
            items = [bytes(f.parts[i]) for i in f.data]
            out["head"] = [b.decode("utf-8") for b in items[:HEAD]]
            out["tail"] = [b.decode("utf-8") for b in items[-HEAD:]]
            out["total_bytes"] = sum(len(b) for b in items)
            out["crc32"] = string_list_crc(items)
        else:
            vals = np.concatenate([f.parts[i] for i in f.data]) if f.data else np.array([])
            as_list = [scalar_json(v, et) for v in vals]
            out["head"] = as_list[:HEAD]
            out["tail"] = as_list[-HEAD:]
            out["sum"] = math.fsum(as_list) if et in (V.FLOAT32, V.FLOAT64) else sum(as_list)
            out["crc32"] = crc32(vals.astype(vals.dtype.newbyteorder("<")).tobytes())
    return out


def reader_header(r: gguf.GGUFReader, path: str) -> dict:
    return {
        "version": int(r.fields["GGUF.version"].parts[0][0]),
        "tensor_count": len(r.tensors),
        "kv_count": int(r.fields["GGUF.kv_count"].parts[0][0]),
        "alignment": int(r.alignment),
        "data_offset": int(r.data_offset),
        "file_size": os.path.getsize(path),
    }


def write_json(path: str, obj) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(obj, fh, indent=1, ensure_ascii=False)
        fh.write("\n")


def make_type_table(out_dir: str) -> None:
    rows = [{"id": int(t), "name": t.name.lower(), "block_elems": be, "block_bytes": bb}
            for t, (be, bb) in sorted(gguf.GGML_QUANT_SIZES.items(), key=lambda kv: int(kv[0]))]
    write_json(os.path.join(out_dir, "ggml_types.json"),
               {"gguf_package_version": gguf_version(), "types": rows})


def make_vocab_manifests(vocab_dir: str, out_dir: str) -> None:
    os.makedirs(out_dir, exist_ok=True)
    for name in sorted(os.listdir(vocab_dir)):
        if not name.endswith(".gguf.gz"):
            continue
        with tempfile.NamedTemporaryFile(suffix=".gguf") as tmp:
            with gzip.open(os.path.join(vocab_dir, name), "rb") as gz:
                raw = gz.read()
            tmp.write(raw)
            tmp.flush()
            r = gguf.GGUFReader(tmp.name)
            manifest = {"source": name, "file_crc32": crc32(raw), **reader_header(r, tmp.name)}
            manifest["keys"] = [field_json(k, f) for k, f in r.fields.items()
                                if not k.startswith("GGUF.")]
        write_json(os.path.join(out_dir, name[: -len(".gguf.gz")] + ".json"), manifest)


# --- files with tensors -------------------------------------------------------------

def metadata_spec():
    """(key, type, value, elem_type) for every value type, written in this order."""
    f32 = lambda x: float(np.float32(x))  # noqa: E731 -- the value the file holds
    return [
        ("test.uint8", V.UINT8, 200, None),
        ("test.int8", V.INT8, -100, None),
        ("test.uint16", V.UINT16, 60000, None),
        ("test.int16", V.INT16, -30000, None),
        ("test.uint32", V.UINT32, 4000000000, None),
        ("test.int32", V.INT32, -2000000000, None),
        ("test.float32", V.FLOAT32, f32(3.14159), None),
        ("test.bool_true", V.BOOL, True, None),
        ("test.bool_false", V.BOOL, False, None),
        ("test.string", V.STRING, "h\u00e9llo w\u00f6rld \u2713", None),
        ("test.empty_string", V.STRING, "", None),
        ("test.uint64", V.UINT64, 2**63 + 5, None),
        ("test.int64", V.INT64, -(2**62) - 7, None),
        ("test.float64", V.FLOAT64, 2.718281828459045, None),
        ("test.arr.uint8", V.ARRAY, [0, 1, 255], V.UINT8),
        ("test.arr.int8", V.ARRAY, [-128, 0, 127], V.INT8),
        ("test.arr.uint16", V.ARRAY, [0, 65535], V.UINT16),
        ("test.arr.int16", V.ARRAY, [-32768, 32767, 5], V.INT16),
        ("test.arr.uint32", V.ARRAY, [1, 2, 4294967295], V.UINT32),
        ("test.arr.int32", V.ARRAY, [-2147483648, 2147483647], V.INT32),
        ("test.arr.float32", V.ARRAY, [f32(0.1), f32(-2.5), f32(1e30)], V.FLOAT32),
        ("test.arr.bool", V.ARRAY, [True, False, True], V.BOOL),
        ("test.arr.string", V.ARRAY, ["a", "", "\u00fcn\u00ef", "tab\there"], V.STRING),
        ("test.arr.uint64", V.ARRAY, [0, 2**64 - 1], V.UINT64),
        ("test.arr.int64", V.ARRAY, [-(2**63), 2**63 - 1], V.INT64),
        ("test.arr.float64", V.ARRAY, [0.1, -1e300, 5e-324], V.FLOAT64),
        ("test.arr.nested", V.ARRAY, [[1, 2, 3], [4], [5, 6]], V.ARRAY),
        ("test.arr.nested_string", V.ARRAY, [["x", "y"], ["z"]], V.ARRAY),
        ("test.arr.nested3", V.ARRAY, [[[1], [2, 3]], [[4]]], V.ARRAY),
    ]


def nested_json(value):
    """Nested arrays as written by GGUFWriter: inner lists of ints are int32, of str string."""
    if isinstance(value, list):
        inner = value[0]
        et = V.ARRAY if isinstance(inner, list) else V.STRING if isinstance(inner, str) else V.INT32
        return {"elem_type": type_name(et), "value": [nested_json(v) for v in value]}
    return value


def spec_json(key, t, value, et) -> dict:
    out = {"key": key, "type": type_name(t)}
    if t == V.ARRAY and et == V.ARRAY:
        out.update(nested_json(value))
    elif t == V.ARRAY:
        out["elem_type"] = type_name(et)
        out["value"] = value
    else:
        out["value"] = value
    return out


def tensor_spec(rng):
    """(name, numpy data, raw_dtype or None): numpy shapes are outermost first."""
    normal = lambda *s: rng.standard_normal(s).astype(np.float32)  # noqa: E731
    q4k = rng.integers(0, 256, size=(1, 144), dtype=np.uint8)
    q4k[0, 0:4] = np.array([0.01, 0.002], dtype=np.float16).view(np.uint8)  # finite d, dmin
    return [
        ("t.f32", normal(3, 5), None),
        ("t.f16", normal(2, 3, 4).astype(np.float16), None),
        ("t.bf16", gguf.quants.quantize(normal(4, 8), Q.BF16), Q.BF16),
        ("t.f64", rng.standard_normal(7), None),
        ("t.i8", rng.integers(-128, 128, size=(2, 16), dtype=np.int8), None),
        ("t.i16", rng.integers(-32768, 32768, size=(5,), dtype=np.int16), None),
        ("t.i32", rng.integers(-2**31, 2**31, size=(3, 1, 2, 2), dtype=np.int32), None),
        ("t.i64", rng.integers(-2**62, 2**62, size=(2, 3), dtype=np.int64), None),
        ("t.q8_0", gguf.quants.quantize(normal(2, 64), Q.Q8_0), Q.Q8_0),
        ("t.q4_k", q4k, Q.Q4_K),
        ("t.q6_k", rng.integers(0, 256, size=(1, 210), dtype=np.uint8), Q.Q6_K),
        ("t.scalar", np.array([42.5], dtype=np.float32), None),
    ]


def tensor_json(t: gguf.ReaderTensor) -> dict:
    raw = np.ascontiguousarray(t.data).view(np.uint8).tobytes()
    ne = [int(d) for d in t.shape]
    out = {
        "name": t.name,
        "ggml_type": t.tensor_type.name.lower(),
        "type_id": int(t.tensor_type),
        "ne": ne,
        "shape": list(reversed(ne)),
        "n_elements": int(t.n_elements),
        "n_bytes": int(t.n_bytes),
        "offset": int(t.field.parts[-1][0]),  # as stored: relative to the data section
        "file_offset": int(t.data_offset),
        "crc32": crc32(raw),
    }
    if t.tensor_type in (Q.F32, Q.F16, Q.F64, Q.I8, Q.I16, Q.I32, Q.I64):
        vals = t.data.reshape(-1)
        is_float = t.tensor_type in (Q.F32, Q.F16, Q.F64)
        out["values"] = [float(v) if is_float else int(v) for v in vals]
    elif t.tensor_type in (Q.BF16, Q.Q8_0):
        deq = gguf.quants.dequantize(np.ascontiguousarray(t.data), t.tensor_type).reshape(-1)
        out["values"] = [float(v) for v in deq]
    return out


def write_tensor_file(path: str, spec, tensors, alignment: int | None, version: int) -> None:
    w = gguf.GGUFWriter(path, arch="loka-test")
    if alignment is not None:
        w.add_custom_alignment(alignment)
    for key, t, value, et in spec:
        w.add_key_value(key, value, t, sub_type=et)
    for name, data, raw_dtype in tensors:
        w.add_tensor(name, data, raw_dtype=raw_dtype)
    w.write_header_to_file()
    w.write_kv_data_to_file()
    w.write_tensors_to_file()
    w.close()
    if version != 3:
        with open(path, "r+b") as fh:
            fh.seek(4)
            fh.write(version.to_bytes(4, "little"))

    r = gguf.GGUFReader(path)
    by_key = {k: (k, t, v, et) for k, t, v, et in spec}
    by_key["general.architecture"] = ("general.architecture", V.STRING, "loka-test", None)
    if alignment is not None:
        by_key["general.alignment"] = ("general.alignment", V.UINT32, alignment, None)
    keys = [k for k in r.fields if not k.startswith("GGUF.")]
    assert sorted(keys) == sorted(by_key), (keys, list(by_key))
    for k in keys:  # the reader agrees with what we asked the writer to write
        assert r.fields[k].types[0] == by_key[k][1], k
    manifest = {"file": os.path.basename(path), **reader_header(r, path),
                "keys": [spec_json(*by_key[k]) for k in keys],
                "tensors": [tensor_json(t) for t in r.tensors]}
    write_json(path + ".json", manifest)


def make_tensor_files(out_dir: str) -> None:
    rng = np.random.default_rng(20240607)
    write_tensor_file(os.path.join(out_dir, "tensors-v3-align64.gguf"), metadata_spec(),
                      tensor_spec(rng), alignment=64, version=3)
    small_spec = [("test.name", V.STRING, "v2 file", None),
                  ("test.arr.int32", V.ARRAY, [7, -8, 9], V.INT32)]
    small_tensors = [
        ("a.f32", rng.standard_normal((2, 3)).astype(np.float32), None),
        ("b.f16", rng.standard_normal(4).astype(np.float16), None),
        ("c.q8_0", gguf.quants.quantize(rng.standard_normal((1, 32)).astype(np.float32), Q.Q8_0),
         Q.Q8_0),
    ]
    write_tensor_file(os.path.join(out_dir, "tensors-v2.gguf"), small_spec, small_tensors,
                      alignment=None, version=2)


def gguf_version() -> str:
    from importlib.metadata import version
    return version("gguf")


def main() -> None:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--vocab-dir", default=os.path.join(root, "..", "shared", "testdata", "vocab"))
    ap.add_argument("--out", default=os.path.join(root, "tests", "data", "gguf"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    make_type_table(args.out)
    make_tensor_files(args.out)
    if os.path.isdir(args.vocab_dir):
        make_vocab_manifests(args.vocab_dir, os.path.join(args.out, "vocab-manifest"))
    else:
        print(f"skipping vocab manifests: {args.vocab_dir} not found")
    print(f"wrote fixtures with gguf {gguf_version()} into {args.out}")


if __name__ == "__main__":
    main()

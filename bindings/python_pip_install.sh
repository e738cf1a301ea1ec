#!/bin/sh
# `pip wheel` of bindings/python (bundling the libraries of an installed loka), installed into a fresh venv and used there.
# Usage: python_pip_install.sh PYTHON PACKAGE_DIR INSTALL_PREFIX WORK_DIR MODEL
set -eu
python="$1"; pkg="$2"; prefix="$3"; work="$4"; model="$5"
rm -rf "$work"
mkdir -p "$work"
"$python" -m venv "$work/venv"
unset LOKA_LIBRARY PYTHONPATH
CMAKE_PREFIX_PATH="$prefix" "$work/venv/bin/pip" wheel -q --no-deps -w "$work/dist" "$pkg"
ls "$work"/dist
"$work/venv/bin/pip" install -q --no-index "$work"/dist/loka-*.whl
cd "$work"
"$work/venv/bin/python" - "$model" <<'PY'
import pathlib, sys
import loka, loka._lib
here = pathlib.Path(loka.__file__).parent
assert "venv" in str(here), here
assert (here / "py.typed").exists() and (here / "libloka_c.so.1").exists(), list(here.iterdir())
with loka.Model(sys.argv[1]) as m:
    text = m.generate("It is a truth", max_tokens=12, temperature=0)
    assert text, "no text"
    print(f"loka {loka.version()} from {here}: It is a truth{text}")
try:
    loka.Model("/no/such/model")
except loka.NotFoundError as e:
    print("NotFoundError:", e)
PY

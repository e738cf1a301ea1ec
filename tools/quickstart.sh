#!/usr/bin/env bash
# Quick start, one command on a fresh Debian 12 machine: installs what is missing,
# builds the `loka` program, and streams text from the bundled demo model.
# Usage: tools/quickstart.sh ["prompt"]
set -euo pipefail
cd "$(dirname "$0")/.."
tools/install_deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release >/dev/null
ninja -C build -j "${LOKA_JOBS:-$(nproc)}" loka_cli
build/tools/cli/loka run -p "${1:-It is a truth universally acknowledged}" -n 120 --temp 0.8 --seed 1

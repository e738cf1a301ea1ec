#!/usr/bin/env bash
# Installs the Debian 12 packages loka needs to build and test, if missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config zlib1g-dev
  libdnnl-dev libeigen3-dev libssl-dev nlohmann-json3-dev
  catch2 libbenchmark-dev libpcre2-dev libutf8proc-dev libcli11-dev
  golang-go
  # Debian's dnnl-config.cmake looks for OpenCL (its GPU runtime) and fails without it.
  ocl-icd-opencl-dev
)
# Python packages of the binding tests (bindings/python): pip, for the python3 on PATH.
pip_packages=(pytest numpy scikit-build-core)

missing_pip=()
for p in "${pip_packages[@]}"; do
  python3 -m pip show -q "$p" >/dev/null 2>&1 || missing_pip+=("$p")
done
if [ ${#missing_pip[@]} -gt 0 ]; then
  echo "pip installing: ${missing_pip[*]}"
  python3 -m pip install -q "${missing_pip[@]}"
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi
echo "installing: ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"

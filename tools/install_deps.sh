#!/usr/bin/env bash
# Installs the Debian 12 packages loka needs to build and test, if missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config zlib1g-dev
  libdnnl-dev libeigen3-dev libssl-dev nlohmann-json3-dev
  catch2 libbenchmark-dev libpcre2-dev libutf8proc-dev
)

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

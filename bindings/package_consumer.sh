#!/bin/sh
# Builds examples/cmake_consumer against an installed loka (find_package and pkg-config) and runs both programs.
# Usage: package_consumer.sh PREFIX CONSUMER_SRC BUILD_DIR MODEL
set -eu
prefix="$1"; src="$2"; build="$3"; model="$4"
rm -rf "$build"
cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DCMAKE_PREFIX_PATH="$prefix" >/dev/null
cmake --build "$build"
"$build/consumer_c" "$model"
"$build/consumer_cpp" "$model"
# pkg-config: the C ABI with plain cc
export PKG_CONFIG_PATH="$(dirname "$(find "$prefix" -name loka.pc | head -n 1)")"
echo "pkg-config loka: $(pkg-config --modversion loka): $(pkg-config --cflags --libs loka)"
cc -std=c99 -Wall -Werror -o "$build/consumer_pc" "$src/consumer.c" $(pkg-config --cflags --libs loka)
LD_LIBRARY_PATH="$(pkg-config --variable=libdir loka)" "$build/consumer_pc" "$model"
# the installed CLI finds the installed demo model by itself
"$prefix/bin/loka" run -n 8 --temp 0 -p "It is a truth" </dev/null

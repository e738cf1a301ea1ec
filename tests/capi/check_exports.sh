#!/bin/sh
# Checks that the C ABI library exports loka_* symbols only (and the essential ones).
set -eu
lib="$1"
syms=$(nm -D --defined-only "$lib" | awk 'NF >= 3 {print $3}' | sed 's/@.*//' | grep -vx 'LOKA_1' || true)
bad=$(printf '%s\n' "$syms" | grep -v '^loka_' || true)
if [ -n "$bad" ]; then
  echo "symbols exported by $lib without the loka_ prefix:"
  printf '%s\n' "$bad"
  exit 1
fi
for s in loka_version loka_status_free loka_model_load loka_generate loka_session_cancel loka_free; do
  printf '%s\n' "$syms" | grep -qx "$s" || { echo "$lib does not export $s"; exit 1; }
done
echo "$(printf '%s\n' "$syms" | wc -l) symbols, all loka_*"

#!/bin/sh
# Checks that the C ABI library exports loka_* symbols only, and exactly those listed in capi/loka_c.exports.
# Usage: check_exports.sh LIBRARY [EXPORT_LIST]
set -eu
lib="$1"
list="${2:-}"
syms=$(nm -D --defined-only "$lib" | awk 'NF >= 3 {print $3}' | sed 's/@.*//' | grep -vx 'LOKA_1' | sort || true)
bad=$(printf '%s\n' "$syms" | grep -v '^loka_' || true)
if [ -n "$bad" ]; then
  echo "symbols exported by $lib without the loka_ prefix:"
  printf '%s\n' "$bad"
  exit 1
fi
for s in loka_version loka_status_free loka_model_load loka_generate loka_session_cancel loka_free; do
  printf '%s\n' "$syms" | grep -qx "$s" || { echo "$lib does not export $s"; exit 1; }
done
if [ -n "$list" ]; then
  expected=$(grep -v '^#' "$list" | grep -v '^$' | sort)
  if [ "$syms" != "$expected" ]; then
    echo "the exports of $lib differ from $list (< list, > library):"
    tmp=$(mktemp -d)
    printf '%s\n' "$expected" > "$tmp/expected"
    printf '%s\n' "$syms" > "$tmp/actual"
    diff "$tmp/expected" "$tmp/actual" || true
    rm -rf "$tmp"
    echo "an intended ABI addition goes into $list too; a removal or rename breaks the ABI"
    exit 1
  fi
fi
echo "$(printf '%s\n' "$syms" | wc -l) symbols, all loka_*${list:+, as listed in $list}"

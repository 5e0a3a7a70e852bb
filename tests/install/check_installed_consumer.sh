#!/usr/bin/env bash
# Installs the build tree into a temporary prefix, builds the consumer
# project against it with find_package(regionkv), and runs it.
set -euo pipefail
build_dir=$1
source_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build_dir" --prefix "$work/prefix" >/dev/null
cmake -S "$source_dir/tests/install/consumer" -B "$work/consumer" -G Ninja \
      -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/consumer" >/dev/null
output=$("$work/consumer/consumer" "$work/store")
[[ "$output" == "hello from an installed regionkv" ]] || { echo "unexpected: $output"; exit 1; }
echo "installed consumer ok"
